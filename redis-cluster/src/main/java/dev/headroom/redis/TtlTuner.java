package dev.headroom.redis;

import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one namespace's hit rate inside its {@link TtlPolicy}'s band by changing the TTL that new entries are written
 * with.
 *
 * <p>Every request is {@linkplain #record(boolean) recorded} as a hit or a miss. A measurement window lasts at least
 * {@code max(minWindow, current TTL)}, because entries keep the TTL they were written with: a change shows fully
 * only after one TTL. A window with fewer than {@code minSamples} requests is extended. At the end of a window the
 * hit rate is smoothed (EWMA) and compared with the band: below it the TTL is multiplied by {@code raiseFactor},
 * above it by {@code lowerFactor}, within it left alone, always within {@code [minTTL, maxTTL]}.
 *
 * <p>No decision is taken during warm-up, while the tuner is frozen (L2 down or just recovered: its hit rate says
 * nothing about the TTL), or — for raises — while the memory guard reports L2 memory pressure. When the TTL is at its
 * maximum and the hit rate stays below the band for {@code infeasibleAfter} windows, the target is reported as
 * unreachable ({@link #infeasible()}, a gauge and one log line): the write and invalidation rate caps the hit rate,
 * and the TTL stays at the maximum instead of oscillating.
 *
 * <p>Thread-safe. Evaluation happens on the thread whose {@code record} call crosses the window's end; no thread of
 * its own, so it runs unchanged in virtual time.
 */
public final class TtlTuner {
  private static final Logger log = LoggerFactory.getLogger(TtlTuner.class);
  private static final int HISTORY = 256;

  private final String name;
  private final TtlPolicy policy;
  private final Ticker ticker;
  private final BooleanSupplier memoryPressure;
  private final BooleanSupplier frozen;
  private final DoubleSupplier random;
  private final long warmUpEnd;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final ArrayDeque<Window> history = new ArrayDeque<>();
  private volatile long ttlMillis;
  private volatile long windowEnd;
  private volatile double smoothed = Double.NaN;
  private volatile boolean infeasible;
  private long windowStart;
  private int belowAtMax;
  private long windows;

  private TtlTuner(String name, TtlPolicy policy, Ticker ticker, BooleanSupplier memoryPressure,
      BooleanSupplier frozen, DoubleSupplier random) {
    this.name = Objects.requireNonNull(name, "name");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.memoryPressure = Objects.requireNonNull(memoryPressure, "memoryPressure");
    this.frozen = Objects.requireNonNull(frozen, "frozen");
    this.random = Objects.requireNonNull(random, "random");
    this.ttlMillis = policy.initialTtl().toMillis();
    long now = ticker.read();
    this.warmUpEnd = now + policy.warmUp().toNanos();
    startWindow(now);
  }

  /**
   * A tuner on its own: no memory guard, never frozen, jitter from {@link ThreadLocalRandom}. {@link TieredCache}
   * makes its own, wired to its cluster's health and memory guard.
   */
  public static TtlTuner create(String name, TtlPolicy policy, Ticker ticker) {
    return new TtlTuner(name, policy, ticker, () -> false, () -> false, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * A tuner with every input given: {@code memoryPressure} true stops raises, {@code frozen} true discards windows,
   * {@code random} returns uniform doubles in [0, 1) for the jitter (a seeded source makes simulations repeatable).
   */
  public static TtlTuner create(String name, TtlPolicy policy, Ticker ticker, BooleanSupplier memoryPressure,
      BooleanSupplier frozen, DoubleSupplier random) {
    return new TtlTuner(name, policy, ticker, memoryPressure, frozen, random);
  }

  /** Records one request: {@code hit} when it was served from the cache (either tier). */
  public void record(boolean hit) {
    (hit ? hits : misses).increment();
    if (policy.tuning() && ticker.read() >= windowEnd) {
      evaluate();
    }
  }

  /** The TTL to write a new entry with: the current TTL with jitter applied, at least 1 ms. */
  public long ttlMillisForWrite() {
    long ttl = ttlMillis;
    double jitter = policy.jitter();
    if (jitter == 0) {
      return ttl;
    }
    double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
    return Math.max(1, Math.round(ttl * factor));
  }

  /** The current TTL, without jitter. */
  public Duration currentTtl() {
    return Duration.ofMillis(ttlMillis);
  }

  /** The smoothed hit rate after the last window, or empty before the first one. */
  public OptionalDouble smoothedHitRate() {
    double value = smoothed;
    return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /** Whether the target is reported unreachable: TTL at max and the hit rate still below the band. */
  public boolean infeasible() {
    return infeasible;
  }

  /** The policy. */
  public TtlPolicy policy() {
    return policy;
  }

  /** The last evaluated windows (up to 256), oldest first. */
  public synchronized List<Window> history() {
    return List.copyOf(history);
  }

  private synchronized void evaluate() {
    long now = ticker.read();
    if (now < windowEnd) {
      return; // another thread evaluated first
    }
    long h = hits.sum();
    long m = misses.sum();
    if (now < warmUpEnd || frozen.getAsBoolean()) {
      startWindow(now); // nothing learnt from warm-up or a failover
      return;
    }
    if (h + m < policy.minSamples()) {
      return; // extend the window until it has enough requests
    }
    double rate = (double) h / (h + m);
    double previous = smoothed;
    double value = Double.isNaN(previous) ? rate : policy.smoothing() * rate + (1 - policy.smoothing()) * previous;
    smoothed = value;
    long before = ttlMillis;
    long min = policy.minTtl().toMillis();
    long max = policy.maxTtl().toMillis();
    Decision decision;
    if (value < policy.targetLow()) {
      if (before >= max) {
        decision = Decision.AT_MAX;
        if (++belowAtMax >= policy.infeasibleAfter() && !infeasible) {
          infeasible = true;
          log.warn("cache '{}': hit-rate target {} is not reachable: the TTL is at its maximum {} and the hit rate is"
              + " {}; the write and invalidation rate caps it. Holding the TTL at the maximum.", name,
              policy.targetLow(), policy.maxTtl(), String.format("%.3f", value));
        }
      } else if (memoryPressure.getAsBoolean()) {
        decision = Decision.MEMORY_GUARD;
      } else {
        ttlMillis = Math.min(max, Math.round(before * policy.raiseFactor()));
        decision = Decision.RAISED;
      }
    } else if (value > policy.targetHigh()) {
      belowAtMax = 0;
      clearInfeasible(value);
      if (before <= min) {
        decision = Decision.AT_MIN;
      } else {
        ttlMillis = Math.max(min, Math.round(before * policy.lowerFactor()));
        decision = Decision.LOWERED;
      }
    } else {
      belowAtMax = 0;
      clearInfeasible(value);
      decision = Decision.HELD;
    }
    windows++;
    if (history.size() == HISTORY) {
      history.removeFirst();
    }
    history.addLast(new Window(windows, Duration.ofNanos(now - windowStart), h + m, rate, value,
        Duration.ofMillis(before), Duration.ofMillis(ttlMillis), decision));
    if (decision == Decision.RAISED || decision == Decision.LOWERED) {
      log.debug("cache '{}': hit rate {} (smoothed {}), TTL {} -> {}", name, rate, value, Duration.ofMillis(before),
          Duration.ofMillis(ttlMillis));
    }
    startWindow(now);
  }

  private void clearInfeasible(double value) {
    if (infeasible) {
      infeasible = false;
      log.info("cache '{}': hit rate {} is back within reach of target {}", name, String.format("%.3f", value),
          policy.targetLow());
    }
  }

  private void startWindow(long now) {
    hits.reset();
    misses.reset();
    windowStart = now;
    windowEnd = now + Math.max(policy.minWindow().toNanos(), Duration.ofMillis(ttlMillis).toNanos());
  }

  @Override
  public String toString() {
    return "TtlTuner{" + name + ", ttl=" + currentTtl() + ", smoothed=" + smoothed + ", infeasible=" + infeasible + '}';
  }

  /** What the tuner did at the end of a window. */
  public enum Decision {
    /** Below the band: TTL × raiseFactor. */
    RAISED,
    /** Above the band: TTL × lowerFactor. */
    LOWERED,
    /** Within the band. */
    HELD,
    /** Below the band with the TTL already at its maximum. */
    AT_MAX,
    /** Above the band with the TTL already at its minimum. */
    AT_MIN,
    /** Below the band, but L2 memory is under pressure: not raised. */
    MEMORY_GUARD
  }

  /**
   * One evaluated window.
   *
   * @param index 1 for the first evaluated window
   * @param length how long it lasted
   * @param samples requests recorded in it
   * @param hitRate its own hit rate
   * @param smoothedHitRate the EWMA after it
   * @param ttlBefore the TTL during the window
   * @param ttlAfter the TTL chosen for the next window
   * @param decision what was done
   */
  public record Window(long index, Duration length, long samples, double hitRate, double smoothedHitRate,
      Duration ttlBefore, Duration ttlAfter, Decision decision) {}
}
