package dev.headroom.scaling.hpa;

import dev.headroom.core.ConfigException;
import java.time.Duration;

/**
 * One rate limit of an HPA behavior ({@code HPAScalingPolicy}): at most {@code value} pods, or {@code value}
 * percent of the replicas at the start of the period, per {@code period}.
 *
 * @param type PODS or PERCENT
 * @param value how many pods, or what percentage
 * @param period the period (Kubernetes allows 1 s to 30 min)
 */
public record ScalingPolicy(Type type, int value, Duration period) {
  /** {@code type: Pods} or {@code type: Percent}. */
  public enum Type {
    /** A number of pods. */
    PODS,
    /** A percentage of the replicas at the start of the period. */
    PERCENT
  }

  /** Validates as the Kubernetes API does: value &gt; 0, period in (0, 1800 s]. */
  public ScalingPolicy {
    if (type == null) {
      throw new ConfigException("scaling policy type", null, "must be Pods or Percent");
    }
    if (value <= 0) {
      throw new ConfigException("scaling policy value", value, "must be > 0");
    }
    if (period == null || period.isNegative() || period.isZero() || period.compareTo(Duration.ofMinutes(30)) > 0) {
      throw new ConfigException("scaling policy periodSeconds", period, "must be > 0 and <= 1800 s");
    }
  }

  /** {@code type: Pods, value: pods, periodSeconds: period}. */
  public static ScalingPolicy pods(int pods, Duration period) {
    return new ScalingPolicy(Type.PODS, pods, period);
  }

  /** {@code type: Percent, value: percent, periodSeconds: period}. */
  public static ScalingPolicy percent(int percent, Duration period) {
    return new ScalingPolicy(Type.PERCENT, percent, period);
  }
}
