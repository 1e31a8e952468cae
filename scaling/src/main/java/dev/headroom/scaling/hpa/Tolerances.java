package dev.headroom.scaling.hpa;

import dev.headroom.core.Checks;

/**
 * The band around a usage ratio of 1.0 inside which the HPA keeps the current replica count:
 * {@code 1 - scaleDown <= ratio <= 1 + scaleUp}, both edges inclusive, checked before the {@code ceil}.
 *
 * @param scaleDown how far below 1.0 the ratio may go (default 0.1)
 * @param scaleUp how far above 1.0 the ratio may go (default 0.1)
 */
public record Tolerances(double scaleDown, double scaleUp) {
  /** Kubernetes's default, {@code --horizontal-pod-autoscaler-tolerance=0.1} on both sides. */
  public static final Tolerances DEFAULT = new Tolerances(0.1, 0.1);

  /** Validates: both finite and non-negative. */
  public Tolerances {
    Checks.plain().nonNegative("scaleDown tolerance", scaleDown);
    Checks.plain().nonNegative("scaleUp tolerance", scaleUp);
  }

  /** The same tolerance on both sides. */
  public static Tolerances of(double both) {
    return new Tolerances(both, both);
  }

  /** True if {@code usageRatio} is close enough to 1.0 that the replica count stays. */
  public boolean isWithin(double usageRatio) {
    return (1.0 - scaleDown) <= usageRatio && usageRatio <= (1.0 + scaleUp);
  }
}
