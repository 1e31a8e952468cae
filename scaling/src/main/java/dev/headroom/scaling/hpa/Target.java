package dev.headroom.scaling.hpa;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A metric target of an HPA v2 {@code MetricSpec}: {@code Utilization} (a percentage of the pods' requests, for
 * resource metrics), {@code AverageValue} (per pod) or {@code Value} (the total, for object and external metrics).
 * Values are kept as Kubernetes keeps quantities: in milli-units ({@code 500m} is 500, {@code 2} is 2000).
 *
 * @param type the target type
 * @param amount the percentage for UTILIZATION, else the milli-value
 */
public record Target(Type type, long amount) {
  /** The target types of {@code autoscaling/v2}. */
  public enum Type {
    /** {@code type: Utilization}, {@code averageUtilization: N}. */
    UTILIZATION,
    /** {@code type: AverageValue}, {@code averageValue: Q}. */
    AVERAGE_VALUE,
    /** {@code type: Value}, {@code value: Q}. */
    VALUE
  }

  /** Validates: the amount must be positive. */
  public Target {
    Checks.plain().required("target type", type);
    if (amount <= 0) {
      throw Checks.plain().invalid("target " + type.name().toLowerCase(java.util.Locale.ROOT), amount, "must be > 0");
    }
  }

  /** {@code averageUtilization: percent}. */
  public static Target utilization(int percent) {
    return new Target(Type.UTILIZATION, percent);
  }

  /** {@code averageValue} of {@code value} units (converted to milli-units, rounding up as Kubernetes does). */
  public static Target averageValue(double value) {
    return new Target(Type.AVERAGE_VALUE, milli(value));
  }

  /** {@code averageValue} in milli-units ({@code 500m} is 500). */
  public static Target averageValueMilli(long milli) {
    return new Target(Type.AVERAGE_VALUE, milli);
  }

  /** {@code value} of {@code value} units. */
  public static Target value(double value) {
    return new Target(Type.VALUE, milli(value));
  }

  /** {@code value} in milli-units. */
  public static Target valueMilli(long milli) {
    return new Target(Type.VALUE, milli);
  }

  /**
   * {@code value} units as milli-units, rounded up like Kubernetes's {@code Quantity.MilliValue()}; the decimal
   * text of the double is used, so 0.3 is 300, not 301.
   */
  public static long milli(double value) {
    if (!Double.isFinite(value)) {
      throw new ConfigException("quantity", value, "must be finite");
    }
    return BigDecimal.valueOf(value).movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
  }
}
