package dev.headroom.bench.redis;

import dev.headroom.core.time.VirtualTime;
import dev.headroom.redis.TtlPolicy;
import dev.headroom.redis.TtlTuner;
import dev.headroom.testkit.workload.CacheWorkload;
import dev.headroom.testkit.workload.TtlCacheSimulator;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Hit rate reached by the TTL tuner against fixed TTLs of 60 s and 300 s on the same trace: Zipf(0.99) over 100 000
 * keys with 5% writes (each write invalidates its key), in virtual time: 8 hours, the second 4 measured. Memory is
 * the mean number of live entries. Two load levels: 100 and 1000 requests/s.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.redis.TtlTuningSimulation</pre>
 */
public final class TtlTuningSimulation {
  private static final int KEYS = 100_000;
  private static final double ZIPF = 0.99;
  private static final double WRITES = 0.05;
  private static final long SEED = 42;

  private TtlTuningSimulation() {}

  /** Runs the comparison and prints a Markdown table. */
  public static void main(String[] args) {
    System.out.println("| load | policy | hit rate | vs fixed 60 s | mean live entries | vs fixed 60 s | final TTL |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (double rate : new double[] {100, 1000}) {
      Row fixed60 = run(rate, "fixed 60 s", TtlPolicy.fixed(Duration.ofSeconds(60)));
      Row fixed300 = run(rate, "fixed 300 s", TtlPolicy.fixed(Duration.ofSeconds(300)));
      Row tuned = run(rate, "tuned, band 0.60-0.75 (seed 002), start 60 s", TtlPolicy.builder()
          .initialTtl(Duration.ofSeconds(60)).bounds(Duration.ofSeconds(30), Duration.ofHours(1))
          .targetHitRate(0.60, 0.75).warmUp(Duration.ofMinutes(1)).build());
      Row tunedHigh = run(rate, "tuned, band 0.80-0.90, start 60 s", TtlPolicy.builder()
          .initialTtl(Duration.ofSeconds(60)).bounds(Duration.ofSeconds(30), Duration.ofHours(1))
          .targetHitRate(0.80, 0.90).warmUp(Duration.ofMinutes(1)).build());
      Row tunedFrom300 = run(rate, "tuned, band 0.60-0.75 (seed 002), start 300 s", TtlPolicy.builder()
          .initialTtl(Duration.ofSeconds(300)).bounds(Duration.ofSeconds(30), Duration.ofHours(1))
          .targetHitRate(0.60, 0.75).warmUp(Duration.ofMinutes(5)).build());
      for (Row row : new Row[] {fixed60, fixed300, tuned, tunedFrom300, tunedHigh}) {
        System.out.printf(Locale.ROOT, "| %.0f req/s | %s | %.3f | %.2f× | %.0f | %.2f× | %s |%n", rate, row.name,
            row.hitRate, row.hitRate / fixed60.hitRate, row.entries, row.entries / fixed60.entries, row.ttl);
      }
    }
  }

  private static Row run(double rate, String name, TtlPolicy policy) {
    VirtualTime time = new VirtualTime();
    TtlTuner tuner = TtlTuner.create(name, policy, time, () -> false, () -> false,
        new SplittableRandom(SEED)::nextDouble);
    CacheWorkload workload = new CacheWorkload(KEYS, ZIPF, rate, WRITES, SEED);
    TtlCacheSimulator.Result result = new TtlCacheSimulator(time).run(workload, Duration.ofHours(8),
        () -> tuner.ttlMillisForWrite() * 1_000_000L, tuner::record, Duration.ofHours(4));
    return new Row(name, result.hitRate(), result.meanLiveEntries(), tuner.currentTtl());
  }

  private record Row(String name, double hitRate, double entries, Duration ttl) {}
}
