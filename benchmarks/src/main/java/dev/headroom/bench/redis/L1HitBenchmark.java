package dev.headroom.bench.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.TieredCache;
import dev.headroom.redis.TtlPolicy;
import dev.headroom.testkit.redis.RedisClusterFixture;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * L1 hits of a {@link TieredCache} on a real 6-node Redis Cluster, against a plain Caffeine {@code getIfPresent} of the
 * same entry in the same run (the floor: what any Caffeine-backed L1 costs).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar L1HitBenchmark</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class L1HitBenchmark {
  private RedisClusterFixture redis;
  private CacheCluster cluster;
  private TieredCache<String, BenchValue> cache;
  private Cache<String, BenchValue> caffeine;

  /** Starts the cluster and fills both caches with one entry. */
  @Setup(Level.Trial)
  public void setUp() {
    redis = RedisClusterFixture.start();
    cluster = CacheCluster.builder().seeds(redis.uris()).build();
    cache = TieredCache.builder(cluster, "bench", BenchValue.CODEC).l1(10_000, Duration.ofMinutes(10))
        .ttl(TtlPolicy.fixed(Duration.ofMinutes(30))).build();
    cache.put("hot", BenchValue.ofLength(400));
    caffeine = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();
    caffeine.put("hot", BenchValue.ofLength(400));
  }

  /** Stops everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    cache.close();
    cluster.close();
    redis.close();
  }

  /** {@code TieredCache.get(key)} served from L1 (metrics, hit-rate recording and all). */
  @Benchmark
  public Optional<BenchValue> tieredCacheL1Hit() {
    return cache.get("hot");
  }

  /** {@code TieredCache.get(key, loader)} served from L1 (adds the early-refresh check). */
  @Benchmark
  public BenchValue tieredCacheL1HitWithLoader() {
    return cache.get("hot", key -> BenchValue.ofLength(400));
  }

  /** Baseline: Caffeine {@code getIfPresent} of the same entry. */
  @Benchmark
  public BenchValue caffeineGetIfPresent() {
    return caffeine.getIfPresent("hot");
  }
}
