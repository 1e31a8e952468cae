package dev.headroom.scaling;

/**
 * Whether one threshold holds, with hysteresis, and since when (ticker nanoseconds). A NaN sample clears it.
 */
final class LevelTracker {
  private final Comparison comparison;
  private final double threshold;
  private final double clearLevel;
  private boolean holding;
  private long since;

  LevelTracker(Comparison comparison, double threshold, double hysteresis) {
    this.comparison = comparison;
    this.threshold = threshold;
    this.clearLevel = comparison.clearLevel(threshold, hysteresis);
  }

  void update(double value, long now) {
    if (Double.isNaN(value)) {
      holding = false;
    } else if (!holding) {
      if (comparison.beyond(value, threshold)) {
        holding = true;
        since = now;
      }
    } else if (!comparison.beyond(value, clearLevel)) {
      holding = false;
    }
  }

  boolean holding() {
    return holding;
  }

  /** True when the level has held for at least {@code forNanos}. */
  boolean heldFor(long now, long forNanos) {
    return holding && now - since >= forNanos;
  }

  long since() {
    return since;
  }

  double threshold() {
    return threshold;
  }
}
