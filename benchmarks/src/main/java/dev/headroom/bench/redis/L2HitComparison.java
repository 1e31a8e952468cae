package dev.headroom.bench.redis;

import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.TieredCache;
import dev.headroom.redis.TtlPolicy;
import dev.headroom.testkit.redis.RedisClusterFixture;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The L2-hit comparison of {@link L2HitBenchmark}, made robust to a busy machine: the raw Lettuce GET and the
 * {@code TieredCache} L2 hit run interleaved in blocks of 500 in one process, so both see the same background load,
 * and their latency distributions are compared (median, p90, p99).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.redis.L2HitComparison</pre>
 */
public final class L2HitComparison {
  private static final int BLOCK = 500;
  private static final int ROUNDS = 60;

  private L2HitComparison() {}

  /** Runs the comparison and prints one Markdown table row per percentile. */
  public static void main(String[] args) throws Exception {
    try (RedisClusterFixture redis = RedisClusterFixture.start();
        CacheCluster cluster = CacheCluster.builder().seeds(redis.uris()).readFrom(ReadFrom.REPLICA_PREFERRED)
            .masterReadWindow(Duration.ZERO).readTimeout(Duration.ofSeconds(1)).build(); // no timeouts on a busy machine
        TieredCache<String, BenchValue> cache = TieredCache.builder(cluster, "bench", BenchValue.CODEC).withoutL1()
            .ttl(TtlPolicy.fixed(Duration.ofMinutes(30))).durableWrites(1, Duration.ofSeconds(2)).build()) {
      if (!cache.put("warm", BenchValue.ofLength(400))) {
        throw new IllegalStateException("the value was not written to a replica");
      }
      ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
          .build();
      RedisClusterClient raw = RedisClusterClient.create(resources, redis.uris().get(0).toString());
      try (StatefulRedisClusterConnection<String, byte[]> connection =
          raw.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
        connection.setReadFrom(ReadFrom.REPLICA_PREFERRED);
        String key = "hr:bench:warm";
        for (int i = 0; i < 20_000; i++) { // warm-up of both paths
          connection.async().get(key).get();
          cache.get("warm").orElseThrow();
        }
        long[] rawNanos = new long[BLOCK * ROUNDS];
        long[] tieredNanos = new long[BLOCK * ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
          for (int i = 0; i < BLOCK; i++) {
            long start = System.nanoTime();
            connection.async().get(key).get();
            rawNanos[round * BLOCK + i] = System.nanoTime() - start;
          }
          for (int i = 0; i < BLOCK; i++) {
            long start = System.nanoTime();
            cache.get("warm").orElseThrow();
            tieredNanos[round * BLOCK + i] = System.nanoTime() - start;
          }
        }
        Arrays.sort(rawNanos);
        Arrays.sort(tieredNanos);
        System.out.println("| percentile | raw Lettuce GET | TieredCache L2 hit | ratio |");
        System.out.println("|---|---|---|---|");
        for (double p : new double[] {0.50, 0.90, 0.99}) {
          double rawMicros = rawNanos[(int) (p * (rawNanos.length - 1))] / 1000.0;
          double tieredMicros = tieredNanos[(int) (p * (tieredNanos.length - 1))] / 1000.0;
          System.out.printf(Locale.ROOT, "| p%.0f | %.1f µs | %.1f µs | %.2f× |%n", p * 100, rawMicros, tieredMicros,
              tieredMicros / rawMicros);
        }
        System.out.printf(Locale.ROOT, "%d samples each, interleaved in blocks of %d%n", rawNanos.length, BLOCK);
      } finally {
        raw.shutdown();
        resources.shutdown();
      }
    }
  }
}
