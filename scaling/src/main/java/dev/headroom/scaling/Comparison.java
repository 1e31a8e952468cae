package dev.headroom.scaling;

/** Whether a condition holds when the value is above or below its threshold (strictly). */
public enum Comparison {
  /** Holds while {@code value > threshold}; with hysteresis {@code h} it clears at {@code value <= threshold - h}. */
  ABOVE,
  /** Holds while {@code value < threshold}; with hysteresis {@code h} it clears at {@code value >= threshold + h}. */
  BELOW;

  /** True when {@code value} is strictly beyond {@code threshold} in this direction. */
  public boolean beyond(double value, double threshold) {
    return this == ABOVE ? value > threshold : value < threshold;
  }

  /** The level a held condition must cross back over before it clears. */
  double clearLevel(double threshold, double hysteresis) {
    return this == ABOVE ? threshold - hysteresis : threshold + hysteresis;
  }

  /** {@code >} or {@code <}, for descriptions. */
  String symbol() {
    return this == ABOVE ? ">" : "<";
  }
}
