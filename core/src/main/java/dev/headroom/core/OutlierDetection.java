package dev.headroom.core;

import java.time.Duration;

/**
 * Passive outlier detection: how a pool ejects an endpoint that keeps failing, and for how long.
 *
 * <p>An endpoint is ejected after {@link #consecutiveFailures()} failures in a row, or when at least
 * {@link #failureRateMinRequests()} calls in the current {@link #failureRateWindow()} failed at a rate of
 * {@link #failureRateThreshold()} or more. The k-th ejection in a row lasts {@code base × 2^k}, capped at
 * {@link #maxEjectionTime()}; the count starts again once the endpoint has stayed in for longer than that cap.
 * As in Envoy, no more than {@link #maxEjectionShare()} of the pool's endpoints are ejected at once, so a
 * pool-wide problem (a bad deploy of the client, a network blip) cannot empty the pool.
 *
 * @param consecutiveFailures failures in a row that eject; 0 turns this trigger off
 * @param failureRateThreshold share of failed calls in the window that ejects, in (0, 1]
 * @param failureRateMinRequests calls in the window before the rate counts; 0 turns this trigger off
 * @param failureRateWindow the tumbling window for the rate
 * @param baseEjectionTime the first ejection's length
 * @param maxEjectionTime the cap on an ejection's length
 * @param maxEjectionShare the most endpoints ejected at once, as a share of the pool in [0, 1]
 */
public record OutlierDetection(int consecutiveFailures, double failureRateThreshold, int failureRateMinRequests,
    Duration failureRateWindow, Duration baseEjectionTime, Duration maxEjectionTime, double maxEjectionShare) {

  /** Validates. */
  public OutlierDetection {
    Checks checks = Checks.plain();
    checks.atLeast("outlierDetection.consecutiveFailures", consecutiveFailures, 0);
    if (!(failureRateThreshold > 0 && failureRateThreshold <= 1)) {
      throw checks.invalid("outlierDetection.failureRateThreshold", failureRateThreshold, "must be in (0, 1]");
    }
    checks.atLeast("outlierDetection.failureRateMinRequests", failureRateMinRequests, 0);
    checks.positive("outlierDetection.failureRateWindow", failureRateWindow);
    checks.positive("outlierDetection.baseEjectionTime", baseEjectionTime);
    checks.positive("outlierDetection.maxEjectionTime", maxEjectionTime);
    if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
      throw checks.invalid("outlierDetection.maxEjectionTime", maxEjectionTime,
          "must be >= baseEjectionTime (" + baseEjectionTime + ")");
    }
    checks.share("outlierDetection.maxEjectionShare", maxEjectionShare);
  }

  /** 5 consecutive failures, or 50% of at least 20 calls in 10 s; 30 s doubling to 5 min; at most half the pool. */
  public static OutlierDetection defaults() {
    return builder().build();
  }

  /** Never ejects. */
  public static OutlierDetection disabled() {
    return builder().consecutiveFailures(0).failureRateMinRequests(0).maxEjectionShare(0).build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether any trigger is on. */
  public boolean enabled() {
    return (consecutiveFailures > 0 || failureRateMinRequests > 0) && maxEjectionShare > 0;
  }

  /** Builds an {@link OutlierDetection}. */
  public static final class Builder {
    private int consecutiveFailures = 5;
    private double failureRateThreshold = 0.5;
    private int failureRateMinRequests = 20;
    private Duration failureRateWindow = Duration.ofSeconds(10);
    private Duration baseEjectionTime = Duration.ofSeconds(30);
    private Duration maxEjectionTime = Duration.ofMinutes(5);
    private double maxEjectionShare = 0.5;

    private Builder() {}

    /** Failures in a row that eject (0: off). */
    public Builder consecutiveFailures(int value) {
      this.consecutiveFailures = value;
      return this;
    }

    /** Failure share in the window that ejects, in (0, 1]. */
    public Builder failureRateThreshold(double value) {
      this.failureRateThreshold = value;
      return this;
    }

    /** Calls in the window before the rate counts (0: off). */
    public Builder failureRateMinRequests(int value) {
      this.failureRateMinRequests = value;
      return this;
    }

    /** The tumbling window for the failure rate. */
    public Builder failureRateWindow(Duration value) {
      this.failureRateWindow = value;
      return this;
    }

    /** The first ejection's length. */
    public Builder baseEjectionTime(Duration value) {
      this.baseEjectionTime = value;
      return this;
    }

    /** The cap on an ejection's length. */
    public Builder maxEjectionTime(Duration value) {
      this.maxEjectionTime = value;
      return this;
    }

    /** The most endpoints ejected at once, as a share of the pool. */
    public Builder maxEjectionShare(double value) {
      this.maxEjectionShare = value;
      return this;
    }

    /** Validates and builds. */
    public OutlierDetection build() {
      return new OutlierDetection(consecutiveFailures, failureRateThreshold, failureRateMinRequests,
          failureRateWindow, baseEjectionTime, maxEjectionTime, maxEjectionShare);
    }
  }
}
