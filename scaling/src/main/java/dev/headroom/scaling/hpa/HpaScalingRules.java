package dev.headroom.scaling.hpa;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The rules for one direction of an HPA behavior ({@code HPAScalingRules}). Unset fields take Kubernetes's
 * defaults when the behavior is resolved: for scale-up a window of 0, {@code Max} and the policies 4 pods and 100%
 * per 15 s; for scale-down the controller's downscale stabilization (300 s), {@code Max} and 100% per 15 s; the
 * tolerance defaults to the HPA's. Immutable.
 */
public final class HpaScalingRules {
  private final Duration stabilizationWindow;
  private final SelectPolicy selectPolicy;
  private final List<ScalingPolicy> policies;
  private final double tolerance;

  private HpaScalingRules(Builder b) {
    this.stabilizationWindow = b.stabilizationWindow;
    this.selectPolicy = b.selectPolicy;
    this.policies = b.policies == null ? null : List.copyOf(b.policies);
    this.tolerance = b.tolerance;
  }

  /** A builder with every field unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code stabilizationWindowSeconds}, if set. */
  public Optional<Duration> stabilizationWindow() {
    return Optional.ofNullable(stabilizationWindow);
  }

  /** {@code selectPolicy}, if set. */
  public Optional<SelectPolicy> selectPolicy() {
    return Optional.ofNullable(selectPolicy);
  }

  /** {@code policies}, if set. */
  public Optional<List<ScalingPolicy>> policies() {
    return Optional.ofNullable(policies);
  }

  /** {@code tolerance} (Kubernetes 1.33+), if set. */
  public OptionalDouble tolerance() {
    return Double.isNaN(tolerance) ? OptionalDouble.empty() : OptionalDouble.of(tolerance);
  }

  @Override
  public String toString() {
    return "HpaScalingRules{window=" + stabilizationWindow + ", select=" + selectPolicy + ", policies=" + policies
        + (Double.isNaN(tolerance) ? "" : ", tolerance=" + tolerance) + '}';
  }

  /** Builds {@link HpaScalingRules}. */
  public static final class Builder {
    private Duration stabilizationWindow;
    private SelectPolicy selectPolicy;
    private List<ScalingPolicy> policies;
    private double tolerance = Double.NaN;

    private Builder() {}

    /** {@code stabilizationWindowSeconds} (0 to 3600 s). */
    public Builder stabilizationWindow(Duration value) {
      if (value == null || value.isNegative() || value.compareTo(Duration.ofHours(1)) > 0) {
        throw new ConfigException("stabilizationWindowSeconds", value, "must be between 0 and 3600 s");
      }
      this.stabilizationWindow = value;
      return this;
    }

    /** {@code selectPolicy}. */
    public Builder selectPolicy(SelectPolicy value) {
      this.selectPolicy = Objects.requireNonNull(value, "selectPolicy");
      return this;
    }

    /** Adds a policy (the first call replaces the defaults). */
    public Builder policy(ScalingPolicy value) {
      if (policies == null) {
        policies = new ArrayList<>();
      }
      policies.add(Objects.requireNonNull(value, "policy"));
      return this;
    }

    /** {@code tolerance} for this direction (Kubernetes 1.33+, {@code HPAConfigurableTolerance}). */
    public Builder tolerance(double value) {
      this.tolerance = Checks.plain().nonNegative("tolerance", value);
      return this;
    }

    /** Builds. */
    public HpaScalingRules build() {
      return new HpaScalingRules(this);
    }
  }
}
