package dev.headroom.scaling.hpa;

import dev.headroom.core.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The parts of a {@code HorizontalPodAutoscaler} spec (and of the controller's flags) that the algorithm needs:
 * min and max replicas, an optional {@link HpaBehavior}, the tolerance
 * ({@code --horizontal-pod-autoscaler-tolerance}, 0.1) and the downscale stabilization
 * ({@code --horizontal-pod-autoscaler-downscale-stabilization}, 5 min). Immutable.
 */
public final class HpaSpec {
  private final int minReplicas;
  private final int maxReplicas;
  private final HpaBehavior behavior;
  private final double tolerance;
  private final Duration downscaleStabilization;

  private HpaSpec(Builder b) {
    this.minReplicas = b.minReplicas;
    this.maxReplicas = b.maxReplicas;
    this.behavior = b.behavior;
    this.tolerance = b.tolerance;
    this.downscaleStabilization = b.downscaleStabilization;
  }

  /** A builder with {@code maxReplicas}; {@code minReplicas} defaults to 1. */
  public static Builder builder(int maxReplicas) {
    return new Builder(maxReplicas);
  }

  /** {@code minReplicas}. */
  public int minReplicas() {
    return minReplicas;
  }

  /** {@code maxReplicas}. */
  public int maxReplicas() {
    return maxReplicas;
  }

  /** {@code behavior}; empty selects the legacy path (stabilization window max, then at most max(2×, 4)). */
  public Optional<HpaBehavior> behavior() {
    return Optional.ofNullable(behavior);
  }

  /** The controller's tolerance. */
  public double tolerance() {
    return tolerance;
  }

  /** The controller's downscale stabilization window. */
  public Duration downscaleStabilization() {
    return downscaleStabilization;
  }

  /** The tolerances in force: the controller's, overridden per direction by the behavior's. */
  public Tolerances tolerances() {
    if (behavior == null) {
      return Tolerances.of(tolerance);
    }
    double down = behavior.resolveDown(downscaleStabilization).tolerance();
    double up = behavior.resolveUp().tolerance();
    return new Tolerances(Double.isNaN(down) ? tolerance : down, Double.isNaN(up) ? tolerance : up);
  }

  @Override
  public String toString() {
    return "HpaSpec{min=" + minReplicas + ", max=" + maxReplicas + ", behavior=" + (behavior == null ? "none" : behavior)
        + ", tolerance=" + tolerance + '}';
  }

  /** Builds an {@link HpaSpec}. */
  public static final class Builder {
    private int minReplicas = 1;
    private final int maxReplicas;
    private HpaBehavior behavior;
    private double tolerance = 0.1;
    private Duration downscaleStabilization = Duration.ofMinutes(5);

    private Builder(int maxReplicas) {
      this.maxReplicas = maxReplicas;
    }

    /** {@code minReplicas} (0 only with object or external metrics, as in Kubernetes); default 1. */
    public Builder minReplicas(int value) {
      this.minReplicas = value;
      return this;
    }

    /** {@code behavior}; leave unset for the legacy path. */
    public Builder behavior(HpaBehavior value) {
      this.behavior = Objects.requireNonNull(value, "behavior");
      return this;
    }

    /** The controller's tolerance; default 0.1. */
    public Builder tolerance(double value) {
      this.tolerance = value;
      return this;
    }

    /** The controller's downscale stabilization; default 5 minutes. */
    public Builder downscaleStabilization(Duration value) {
      this.downscaleStabilization = value;
      return this;
    }

    /** Validates and builds. */
    public HpaSpec build() {
      Checks checks = Checks.plain();
      checks.atLeast("minReplicas", minReplicas, 0);
      if (maxReplicas < 1 || maxReplicas < minReplicas) {
        throw checks.invalid("maxReplicas", maxReplicas, "must be >= 1 and >= minReplicas (" + minReplicas + ")");
      }
      Tolerances.of(tolerance);
      checks.nonNegative("downscaleStabilization", downscaleStabilization);
      return new HpaSpec(this);
    }
  }
}
