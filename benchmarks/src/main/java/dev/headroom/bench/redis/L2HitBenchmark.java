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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An L2 hit of a {@link TieredCache} (no L1: every get reads Redis, decodes the header and the JSON, records metrics)
 * against a raw Lettuce async GET of the same key with the same {@link ReadFrom}, in the same run on a real 6-node
 * Redis Cluster on loopback. The target is at most 1.5× the raw GET.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar L2HitBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class L2HitBenchmark {
  /** The value's text length in characters. */
  @Param({"400"})
  public int valueLength;

  private RedisClusterFixture redis;
  private CacheCluster cluster;
  private TieredCache<String, BenchValue> cache;
  private ClientResources resources;
  private RedisClusterClient raw;
  private StatefulRedisClusterConnection<String, byte[]> rawConnection;
  private String redisKey;

  /** Starts the cluster, writes the value, opens the raw connection. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    redis = RedisClusterFixture.start();
    // no master-read window: our own write below would otherwise send the first 2 s of reads to the master
    cluster = CacheCluster.builder().seeds(redis.uris()).readFrom(ReadFrom.REPLICA_PREFERRED)
        .masterReadWindow(Duration.ZERO).readTimeout(Duration.ofSeconds(1)).build(); // no timeouts on a busy machine
    cache = TieredCache.builder(cluster, "bench", BenchValue.CODEC).withoutL1()
        .ttl(TtlPolicy.fixed(Duration.ofMinutes(30))).durableWrites(1, Duration.ofSeconds(2)).build();
    if (!cache.put("warm", BenchValue.ofLength(valueLength))) {
      throw new IllegalStateException("the benchmark value was not written to a replica");
    }
    redisKey = "hr:bench:warm";
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    raw = RedisClusterClient.create(resources, redis.uris().get(0).toString());
    rawConnection = raw.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    rawConnection.setReadFrom(ReadFrom.REPLICA_PREFERRED);
    if (rawConnection.async().get(redisKey).get() == null) {
      throw new IllegalStateException("raw GET does not see " + redisKey);
    }
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    rawConnection.close();
    raw.shutdown();
    resources.shutdown();
    cache.close();
    cluster.close();
    redis.close();
  }

  /** {@code TieredCache.get(key)} as an L2 hit. */
  @Benchmark
  public Optional<BenchValue> tieredCacheL2Hit() {
    return cache.get("warm");
  }

  /** Baseline: Lettuce async GET of the same key, waited for. */
  @Benchmark
  public byte[] rawLettuceGet() throws Exception {
    return rawConnection.async().get(redisKey).get();
  }
}
