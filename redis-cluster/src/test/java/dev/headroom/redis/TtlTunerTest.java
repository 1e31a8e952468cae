package dev.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import dev.headroom.core.time.VirtualTime;
import dev.headroom.redis.TtlTuner.Decision;
import dev.headroom.redis.TtlTuner.Window;
import dev.headroom.testkit.workload.CacheWorkload;
import dev.headroom.testkit.workload.TtlCacheSimulator;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The tuner in virtual time: a synthetic Zipf trace for convergence and infeasibility, hand-fed windows for rules. */
class TtlTunerTest {
  private static final int KEYS = 100_000;
  private static final double ZIPF = 0.99;

  private final VirtualTime time = new VirtualTime();

  /** The seed policy with a 60 s start and a 1 minute warm-up, jitter from a seeded source. */
  private TtlTuner seedTuner(Duration initial, long seed) {
    TtlPolicy policy = TtlPolicy.builder().initialTtl(initial).bounds(Duration.ofSeconds(30), Duration.ofHours(1))
        .targetHitRate(0.60, 0.75).raiseFactor(1.5).lowerFactor(0.8).warmUp(Duration.ofMinutes(1)).build();
    return TtlTuner.create("zipf", policy, time, () -> false, () -> false, new SplittableRandom(seed)::nextDouble);
  }

  @Test
  void convergesIntoTheTargetBandWithinSixWindowsOnAZipfTraceWithWritesAndStaysThere() {
    TtlTuner tuner = seedTuner(Duration.ofSeconds(60), 1);
    CacheWorkload workload = new CacheWorkload(KEYS, ZIPF, 100, 0.05, 42);
    TtlCacheSimulator simulator = new TtlCacheSimulator(time);

    TtlCacheSimulator.Result result = simulator.run(workload, Duration.ofHours(8),
        () -> tuner.ttlMillisForWrite() * 1_000_000L, tuner::record, Duration.ofHours(4));

    List<Window> windows = tuner.history();
    int firstInBand = -1;
    for (int i = 0; i < windows.size(); i++) {
      if (inBand(windows.get(i).smoothedHitRate())) {
        firstInBand = i;
        break;
      }
    }
    assertThat(windows.get(0).decision()).isEqualTo(Decision.RAISED); // 60 s is too short for a 60% hit rate
    assertThat(firstInBand).as("windows until the smoothed hit rate is in [0.60, 0.75]: %s", windows)
        .isBetween(1, 5);
    List<Window> after = windows.subList(firstInBand, windows.size());
    assertThat(after).as("no oscillation once in the band").allSatisfy(w -> {
      assertThat(w.decision()).isEqualTo(Decision.HELD);
      assertThat(w.smoothedHitRate()).isBetween(0.60, 0.75);
    });
    assertThat(result.hitRate()).as("the measured hit rate of the second half").isBetween(0.60, 0.75);
    assertThat(tuner.infeasible()).isFalse();
  }

  @Test
  void reportsAnUnreachableTargetAndHoldsTheMaximumInsteadOfOscillating() {
    TtlPolicy policy = TtlPolicy.builder().initialTtl(Duration.ofMinutes(1))
        .bounds(Duration.ofSeconds(30), Duration.ofMinutes(10)).targetHitRate(0.85, 0.95)
        .warmUp(Duration.ofMinutes(1)).infeasibleAfter(3).build();
    TtlTuner tuner = TtlTuner.create("busy", policy, time, () -> false, () -> false, new SplittableRandom(2)::nextDouble);
    // a third of all requests are writes: each invalidates its key, which caps the hit rate far below 85%
    CacheWorkload workload = new CacheWorkload(KEYS, ZIPF, 100, 0.33, 7);

    new TtlCacheSimulator(time).run(workload, Duration.ofHours(3), () -> tuner.ttlMillisForWrite() * 1_000_000L,
        tuner::record, Duration.ZERO);

    List<Window> windows = tuner.history();
    assertThat(tuner.infeasible()).isTrue();
    assertThat(tuner.currentTtl()).isEqualTo(Duration.ofMinutes(10));
    int firstAtMax = indexOf(windows, Decision.AT_MAX);
    assertThat(firstAtMax).isPositive();
    assertThat(windows.subList(firstAtMax, windows.size())).allSatisfy(w -> {
      assertThat(w.decision()).isEqualTo(Decision.AT_MAX);
      assertThat(w.ttlAfter()).isEqualTo(Duration.ofMinutes(10));
    });
    assertThat(windows.subList(0, firstAtMax)).extracting(Window::decision).containsOnly(Decision.RAISED);
  }

  @Test
  void reproducesTheSeedPolicyRaiseByHalfBelowSixtyPercentLowerByAFifthAboveSeventyFive() {
    TtlPolicy seed = TtlPolicy.builder().initialTtl(Duration.ofSeconds(300)).bounds(Duration.ofSeconds(30),
        Duration.ofHours(1)).targetHitRate(0.60, 0.75).raiseFactor(1.5).lowerFactor(0.8).smoothing(1.0)
        .minWindow(Duration.ofMinutes(1)).minSamples(100).warmUp(Duration.ZERO).jitter(0).build();
    TtlTuner tuner = TtlTuner.create("seed", seed, time);

    feedWindow(tuner, 0.50); // 300 s -> 450 s
    feedWindow(tuner, 0.65); // held
    feedWindow(tuner, 0.80); // 450 s -> 360 s
    feedWindow(tuner, 0.74); // held
    feedWindow(tuner, 0.59); // 360 s -> 540 s

    assertThat(tuner.history()).extracting(Window::decision).containsExactly(Decision.RAISED, Decision.HELD,
        Decision.LOWERED, Decision.HELD, Decision.RAISED);
    assertThat(tuner.history()).extracting(Window::ttlAfter).containsExactly(Duration.ofSeconds(450),
        Duration.ofSeconds(450), Duration.ofSeconds(360), Duration.ofSeconds(360), Duration.ofSeconds(540));
  }

  @Test
  void aWindowLastsAtLeastTheCurrentTtlAndUntilItHasTheMinimumSamples() {
    TtlPolicy policy = TtlPolicy.builder().initialTtl(Duration.ofMinutes(10)).minWindow(Duration.ofMinutes(1))
        .minSamples(500).warmUp(Duration.ZERO).jitter(0).build();
    TtlTuner tuner = TtlTuner.create("w", policy, time);

    // 1 request per second: after 10 minutes only 600 samples (enough), so the window closes at the TTL
    for (int i = 0; i < 600; i++) {
      time.advance(Duration.ofSeconds(1));
      tuner.record(false);
    }
    assertThat(tuner.history()).hasSize(1);
    assertThat(tuner.history().get(0).length()).isEqualTo(Duration.ofMinutes(10));
    assertThat(tuner.currentTtl()).isEqualTo(Duration.ofMinutes(15));

    // now 1 request per 5 s: 15 minutes give 180 samples; the window extends until it has 500 (2500 s)
    for (int i = 0; i < 499; i++) {
      time.advance(Duration.ofSeconds(5));
      tuner.record(true);
    }
    assertThat(tuner.history()).as("15 minutes passed but only 499 samples").hasSize(1);
    time.advance(Duration.ofSeconds(5));
    tuner.record(true);
    assertThat(tuner.history()).hasSize(2);
    Window second = tuner.history().get(1);
    assertThat(second.samples()).isEqualTo(500);
    assertThat(second.length()).isEqualTo(Duration.ofSeconds(2500));
  }

  @Test
  void takesNoDecisionDuringWarmUpOrWhileFrozenAndNoRaiseUnderMemoryPressure() {
    AtomicBoolean frozen = new AtomicBoolean();
    AtomicBoolean pressure = new AtomicBoolean();
    TtlPolicy policy = TtlPolicy.builder().initialTtl(Duration.ofMinutes(1)).minWindow(Duration.ofMinutes(1))
        .minSamples(10).warmUp(Duration.ofMinutes(3)).smoothing(1.0).jitter(0).build();
    TtlTuner tuner = TtlTuner.create("guarded", policy, time, pressure::get, frozen::get, () -> 0.5);

    feedWindow(tuner, 0.1);
    feedWindow(tuner, 0.1);
    assertThat(tuner.history()).as("warm-up").isEmpty();
    feedWindow(tuner, 0.1);
    assertThat(tuner.history()).extracting(Window::decision).containsExactly(Decision.RAISED);

    frozen.set(true);
    feedWindow(tuner, 0.1);
    feedWindow(tuner, 0.99);
    assertThat(tuner.history()).as("frozen: windows discarded").hasSize(1);
    frozen.set(false);

    pressure.set(true);
    Duration before = tuner.currentTtl();
    feedWindow(tuner, 0.1);
    assertThat(tuner.history().get(1).decision()).isEqualTo(Decision.MEMORY_GUARD);
    assertThat(tuner.currentTtl()).isEqualTo(before);
    feedWindow(tuner, 0.9);
    assertThat(tuner.history().get(2).decision()).as("lowering is still allowed").isEqualTo(Decision.LOWERED);
  }

  @Test
  void jittersWrittenTtlsWithinTenPercent() {
    TtlTuner tuner = TtlTuner.create("j", TtlPolicy.fixed(Duration.ofSeconds(100)), time, () -> false, () -> false,
        new SplittableRandom(3)::nextDouble);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 10_000; i++) {
      long ttl = tuner.ttlMillisForWrite();
      min = Math.min(min, ttl);
      max = Math.max(max, ttl);
    }
    assertThat(min).isBetween(90_000L, 91_000L);
    assertThat(max).isBetween(109_000L, 110_000L);
  }

  @Test
  void rejectsInconsistentPoliciesNamingTheSetting() {
    assertThatThrownBy(() -> TtlPolicy.builder().bounds(Duration.ofMinutes(10), Duration.ofMinutes(1)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("maxTtl");
    assertThatThrownBy(() -> TtlPolicy.builder().targetHitRate(0.8, 0.7).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("targetHigh").hasMessageContaining("0.7");
    assertThatThrownBy(() -> TtlPolicy.builder().raiseFactor(0.9).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("raiseFactor");
    assertThatThrownBy(() -> TtlPolicy.builder().initialTtl(Duration.ofHours(2)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("initialTtl");
  }

  /** Feeds one window: one request per second until the window closes, floor(length × hitRate) of them hits. */
  private void feedWindow(TtlTuner tuner, double hitRate) {
    long windowSeconds = Math.max(60, tuner.currentTtl().toSeconds());
    for (long i = 1; i <= windowSeconds; i++) {
      time.advance(Duration.ofSeconds(1));
      tuner.record(Math.floor(i * hitRate) > Math.floor((i - 1) * hitRate));
    }
  }

  private static boolean inBand(double rate) {
    return rate >= 0.60 && rate <= 0.75;
  }

  private static int indexOf(List<Window> windows, Decision decision) {
    for (int i = 0; i < windows.size(); i++) {
      if (windows.get(i).decision() == decision) {
        return i;
      }
    }
    return -1;
  }
}
