package dev.headroom.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Active health checking for a pool: every {@link #interval()} (± {@link #jitter()} so that many clients do not
 * probe in step) each endpoint is probed; {@link #unhealthyThreshold()} failed probes in a row mark it
 * {@link Health#DOWN}, {@link #healthyThreshold()} passed probes in a row bring it back.
 *
 * @param probe the check to run
 * @param interval time between probes of one endpoint
 * @param timeout a probe not done by then failed
 * @param jitter share of the interval by which each wait varies at random, in [0, 1)
 * @param unhealthyThreshold failed probes in a row that mark an endpoint down, >= 1
 * @param healthyThreshold passed probes in a row that bring it back, >= 1
 */
public record HealthCheck(HealthProbe probe, Duration interval, Duration timeout, double jitter,
    int unhealthyThreshold, int healthyThreshold) {

  /** Validates. */
  public HealthCheck {
    Objects.requireNonNull(probe, "healthCheck.probe");
    Checks checks = Checks.plain();
    checks.positive("healthCheck.interval", interval);
    checks.positive("healthCheck.timeout", timeout);
    if (!(jitter >= 0 && jitter < 1)) {
      throw checks.invalid("healthCheck.jitter", jitter, "must be in [0, 1)");
    }
    checks.atLeast("healthCheck.unhealthyThreshold", unhealthyThreshold, 1);
    checks.atLeast("healthCheck.healthyThreshold", healthyThreshold, 1);
  }

  /** A builder with defaults: every 10 s ± 20%, 2 s timeout, down after 2 failures, up after 1 success. */
  public static Builder builder(HealthProbe probe) {
    return new Builder(probe);
  }

  /** Builds a {@link HealthCheck}. */
  public static final class Builder {
    private final HealthProbe probe;
    private Duration interval = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(2);
    private double jitter = 0.2;
    private int unhealthyThreshold = 2;
    private int healthyThreshold = 1;

    private Builder(HealthProbe probe) {
      this.probe = probe;
    }

    /** Time between probes of one endpoint. */
    public Builder interval(Duration value) {
      this.interval = value;
      return this;
    }

    /** A probe not done by then failed. */
    public Builder timeout(Duration value) {
      this.timeout = value;
      return this;
    }

    /** Random variation of each wait, as a share of the interval. */
    public Builder jitter(double value) {
      this.jitter = value;
      return this;
    }

    /** Failed probes in a row that mark an endpoint down. */
    public Builder unhealthyThreshold(int value) {
      this.unhealthyThreshold = value;
      return this;
    }

    /** Passed probes in a row that bring it back. */
    public Builder healthyThreshold(int value) {
      this.healthyThreshold = value;
      return this;
    }

    /** Validates and builds. */
    public HealthCheck build() {
      return new HealthCheck(probe, interval, timeout, jitter, unhealthyThreshold, healthyThreshold);
    }
  }
}
