package dev.headroom.redis;

import dev.headroom.core.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * How a namespace's L2 TTL is chosen: a starting TTL, bounds, and (unless fixed) a hit-rate band that a
 * {@link TtlTuner} keeps it in. The defaults are the seed policy "raise ×1.5 below a 60% hit rate, lower ×0.8 above
 * 75%":
 *
 * <pre>{@code
 * TtlPolicy seed = TtlPolicy.builder()
 *     .initialTtl(Duration.ofMinutes(5)).bounds(Duration.ofSeconds(30), Duration.ofHours(1))
 *     .targetHitRate(0.60, 0.75).raiseFactor(1.5).lowerFactor(0.8)
 *     .build();
 * TtlPolicy fixed = TtlPolicy.fixed(Duration.ofMinutes(5));
 * TtlPolicy creative = TtlPolicy.creative(); // the mode presets: fast(), balanced(), creative()
 * }</pre>
 *
 * <p>The mode presets carry seed 002's mode names. The seed gives one number for them, the creative mode's 30-minute
 * TTL ({@link #creative()} starts there); everything else in the presets is Headroom's default, and says so.
 *
 * @param initialTtl the TTL before any tuning
 * @param minTtl the lowest TTL the tuner may choose
 * @param maxTtl the highest TTL the tuner may choose
 * @param targetLow below this smoothed hit rate the TTL is raised
 * @param targetHigh above this smoothed hit rate the TTL is lowered (between the two: the dead band)
 * @param raiseFactor the multiplier when raising (&gt; 1)
 * @param lowerFactor the multiplier when lowering (in (0, 1))
 * @param jitter each written TTL is the current TTL times a uniform factor in [1 − jitter, 1 + jitter]
 * @param minWindow the shortest measurement window (a window also lasts at least the current TTL)
 * @param minSamples the fewest requests a window needs; a window with fewer is extended
 * @param smoothing the EWMA weight of the newest window, in (0, 1]
 * @param warmUp no decision is taken before this much time has passed since the tuner started
 * @param infeasibleAfter consecutive windows at the max TTL and below target before the target is reported
 *     unreachable
 * @param tuning false for a fixed TTL (only jitter is applied)
 */
public record TtlPolicy(Duration initialTtl, Duration minTtl, Duration maxTtl, double targetLow, double targetHigh,
    double raiseFactor, double lowerFactor, double jitter, Duration minWindow, long minSamples, double smoothing,
    Duration warmUp, int infeasibleAfter, boolean tuning) {
  /** Errors name the record component ({@code maxTtl}) below the subject {@code ttl}. */
  private static final Checks CHECKS = Checks.in("ttl");

  /** Validates every setting; prefer {@link #builder()}. */
  public TtlPolicy {
    Objects.requireNonNull(initialTtl, "initialTtl");
    Objects.requireNonNull(minTtl, "minTtl");
    Objects.requireNonNull(maxTtl, "maxTtl");
    Objects.requireNonNull(minWindow, "minWindow");
    Objects.requireNonNull(warmUp, "warmUp");
    if (minTtl.toMillis() < 1) {
      throw CHECKS.invalid("minTtl", minTtl, "must be >= 1 ms");
    }
    if (maxTtl.compareTo(minTtl) < 0) {
      throw CHECKS.invalid("maxTtl", maxTtl, "must be >= minTtl " + minTtl);
    }
    if (initialTtl.compareTo(minTtl) < 0 || initialTtl.compareTo(maxTtl) > 0) {
      throw CHECKS.invalid("initialTtl", initialTtl, "must be within [" + minTtl + ", " + maxTtl + "]");
    }
    if (!(targetLow > 0 && targetLow < 1)) {
      throw CHECKS.invalid("targetLow", targetLow, "must be in (0, 1)");
    }
    if (!(targetHigh > targetLow && targetHigh <= 1)) {
      throw CHECKS.invalid("targetHigh", targetHigh, "must be in (targetLow " + targetLow + ", 1]");
    }
    if (!(raiseFactor > 1 && raiseFactor <= 100)) {
      throw CHECKS.invalid("raiseFactor", raiseFactor, "must be in (1, 100]");
    }
    if (!(lowerFactor > 0 && lowerFactor < 1)) {
      throw CHECKS.invalid("lowerFactor", lowerFactor, "must be in (0, 1)");
    }
    CHECKS.within("jitter", jitter, 0, 0.5);
    CHECKS.nonNegative("minWindow", minWindow);
    CHECKS.atLeast("minSamples", minSamples, 1L);
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw CHECKS.invalid("smoothing", smoothing, "must be in (0, 1]");
    }
    CHECKS.nonNegative("warmUp", warmUp);
    CHECKS.atLeast("infeasibleAfter", infeasibleAfter, 1);
  }

  /** A builder with the seed policy's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The creative mode's starting TTL, 30 minutes: the number seed 002 gives for that mode. */
  public static final Duration CREATIVE_TTL = Duration.ofMinutes(30);

  /**
   * The preset of the {@code creative} mode, as seed 002 names it: starts at the seed's {@link #CREATIVE_TTL} (30
   * minutes) and is tuned by the seed's rule (×1.5 below a 60% hit rate, ×0.8 above 75%). The tuning bounds, 10
   * minutes to 2 hours, are Headroom's choice, not the seed's: wide enough for the tuner to act, narrow enough that a
   * creative answer neither vanishes within minutes nor outlives a working session.
   */
  public static TtlPolicy creative() {
    return builder().initialTtl(CREATIVE_TTL).bounds(Duration.ofMinutes(10), Duration.ofHours(2)).build();
  }

  /**
   * The preset of the {@code fast} mode, as seed 002 names it. Seed 002 gives no number for this mode: these are
   * Headroom's defaults, the same as {@link #builder()}'s (a 5-minute start within 30 s to 1 h), tuned by the seed's
   * rule (×1.5 below a 60% hit rate, ×0.8 above 75%).
   */
  public static TtlPolicy fast() {
    return builder().build();
  }

  /**
   * The preset of the {@code balanced} mode, as seed 002 names it. Seed 002 gives no number for this mode: these are
   * Headroom's defaults, the same as {@link #builder()}'s (a 5-minute start within 30 s to 1 h), tuned by the seed's
   * rule (×1.5 below a 60% hit rate, ×0.8 above 75%).
   */
  public static TtlPolicy balanced() {
    return builder().build();
  }

  /** A fixed TTL (with the default ±10% jitter): no tuning. */
  public static TtlPolicy fixed(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    return builder().initialTtl(ttl).bounds(ttl, ttl).tuning(false).build();
  }

  /** Builds a {@link TtlPolicy}. */
  public static final class Builder {
    private Duration initialTtl = Duration.ofMinutes(5);
    private Duration minTtl = Duration.ofSeconds(30);
    private Duration maxTtl = Duration.ofHours(1);
    private double targetLow = 0.60;
    private double targetHigh = 0.75;
    private double raiseFactor = 1.5;
    private double lowerFactor = 0.8;
    private double jitter = 0.10;
    private Duration minWindow = Duration.ofMinutes(1);
    private long minSamples = 1_000;
    private double smoothing = 0.5;
    private Duration warmUp;
    private int infeasibleAfter = 3;
    private boolean tuning = true;

    private Builder() {}

    /** The TTL before any tuning (default 5 minutes). */
    public Builder initialTtl(Duration value) {
      this.initialTtl = Objects.requireNonNull(value, "initialTtl");
      return this;
    }

    /** The range the tuner keeps the TTL in (default 30 s to 1 h). */
    public Builder bounds(Duration min, Duration max) {
      this.minTtl = Objects.requireNonNull(min, "minTtl");
      this.maxTtl = Objects.requireNonNull(max, "maxTtl");
      return this;
    }

    /** Raise the TTL below {@code low}, lower it above {@code high} (default 0.60 and 0.75). */
    public Builder targetHitRate(double low, double high) {
      this.targetLow = low;
      this.targetHigh = high;
      return this;
    }

    /** The multiplier when raising (default 1.5). */
    public Builder raiseFactor(double value) {
      this.raiseFactor = value;
      return this;
    }

    /** The multiplier when lowering (default 0.8). */
    public Builder lowerFactor(double value) {
      this.lowerFactor = value;
      return this;
    }

    /** The relative jitter of written TTLs (default 0.10 = ±10%). */
    public Builder jitter(double value) {
      this.jitter = value;
      return this;
    }

    /** The shortest measurement window (default 1 minute; a window also lasts at least the current TTL). */
    public Builder minWindow(Duration value) {
      this.minWindow = Objects.requireNonNull(value, "minWindow");
      return this;
    }

    /** The fewest requests in a window (default 1000). */
    public Builder minSamples(long value) {
      this.minSamples = value;
      return this;
    }

    /** The EWMA weight of the newest window (default 0.5). */
    public Builder smoothing(double value) {
      this.smoothing = value;
      return this;
    }

    /** No decision before this much time (default: the initial TTL, the time it takes to fill the cache). */
    public Builder warmUp(Duration value) {
      this.warmUp = Objects.requireNonNull(value, "warmUp");
      return this;
    }

    /** Windows at the max TTL and below target before the target is reported unreachable (default 3). */
    public Builder infeasibleAfter(int windows) {
      this.infeasibleAfter = windows;
      return this;
    }

    /** Whether the TTL is tuned (default true). */
    public Builder tuning(boolean value) {
      this.tuning = value;
      return this;
    }

    /** Validates and builds. */
    public TtlPolicy build() {
      return new TtlPolicy(initialTtl, minTtl, maxTtl, targetLow, targetHigh, raiseFactor, lowerFactor, jitter,
          minWindow, minSamples, smoothing, warmUp == null ? initialTtl : warmUp, infeasibleAfter, tuning);
    }
  }
}
