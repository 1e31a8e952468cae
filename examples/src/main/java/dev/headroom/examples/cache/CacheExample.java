package dev.headroom.examples.cache;

import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.JacksonCodec;
import dev.headroom.redis.TieredCache;
import dev.headroom.redis.TtlPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * headroom-redis-cluster in one page: two instances of an app (two CacheClusters here; two JVMs in real life) share a
 * tiered cache: L1 in each process, L2 in a Redis Cluster, an expensive value computed once for both, and a write on
 * one dropping the stale copy from the other's L1. It needs a running Redis Cluster; give some of its nodes as
 * arguments or in REDIS_URIS:
 *
 * <pre>
 * java -cp examples/target/headroom-demo.jar dev.headroom.examples.cache.CacheExample redis://10.0.0.1:7000
 * </pre>
 */
public final class CacheExample {
  private CacheExample() {}

  /** Runs the example against the cluster whose nodes are given as arguments or in the environment. */
  public static void main(String[] args) throws Exception {
    List<String> nodes = args.length > 0 ? Arrays.asList(args)
        : System.getenv("REDIS_URIS") == null ? List.of() : List.of(System.getenv("REDIS_URIS").split(","));
    if (nodes.isEmpty()) {
      System.out.println("usage: CacheExample redis://host:port ... (or REDIS_URIS=redis://host:port,...)");
      return;
    }
    List<URI> seeds = nodes.stream().map(URI::create).toList();
    try (CacheCluster a = CacheCluster.builder().name("instance-a").seeds(seeds).build();   // never fails for a
        CacheCluster b = CacheCluster.builder().name("instance-b").seeds(seeds).build();   // down Redis: L1 only
        TieredCache<String, String> reportsA = reports(a);
        TieredCache<String, String> reportsB = reports(b)) {
      System.out.println("L2: " + a.health());
      AtomicInteger computed = new AtomicInteger();

      // 1. The first read computes (once per key at a time, however many callers), the second is an L1 hit.
      String first = reportsA.get("q3-revenue", key -> "report " + key + " #" + computed.incrementAndGet());
      String again = reportsA.get("q3-revenue", key -> "report " + key + " #" + computed.incrementAndGet());
      System.out.println("instance A: " + first + ", then " + again + "; computed " + computed.get() + "x");

      // 2. A corrects it: put returns once Redis has it (durable writes: the master and a replica).
      reportsA.put("q3-revenue", "report q3-revenue, corrected");

      // 3. The other instance finds it in Redis and computes nothing.
      String shared = reportsB.get("q3-revenue", key -> "report " + key + " #" + computed.incrementAndGet());
      System.out.println("instance B: " + shared + " (from Redis); computed " + computed.get() + "x");

      // 4. Another write on A publishes an invalidation: B drops its L1 copy and reads the new value from Redis.
      reportsA.put("q3-revenue", "report q3-revenue, final");
      long start = System.nanoTime();
      boolean seen = false;
      while (!seen && System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
        seen = reportsB.get("q3-revenue").filter(v -> v.endsWith("final")).isPresent();
        if (!seen) {
          Thread.sleep(10); // the invalidation travels over Redis pub/sub, asynchronously
        }
      }
      System.out.println("instance B sees the final report: " + seen);
      System.out.println("TTL in Redis now: " + reportsA.tuner().currentTtl() + " (tuned toward 60-75% hits)");
    }
  }

  /**
   * The "reports" namespace: 1,000 entries for 30 s in L1, 5 minutes (tuned within 1 min to 1 h) in Redis, each put
   * acknowledged by a replica too (WAIT 1; without replicas a put is still written, and reports false).
   */
  private static TieredCache<String, String> reports(CacheCluster cluster) {
    return TieredCache.builder(cluster, "reports", JacksonCodec.of(String.class, 1))
        .l1(1_000, Duration.ofSeconds(30))
        .durableWrites(1, Duration.ofSeconds(2))
        .ttl(TtlPolicy.builder().initialTtl(Duration.ofMinutes(5)).bounds(Duration.ofMinutes(1), Duration.ofHours(1))
            .targetHitRate(0.60, 0.75).build())
        .build();
  }
}
