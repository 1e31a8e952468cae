package dev.headroom.scaling;

import java.util.Map;
import java.util.NavigableMap;

/** Quantiles from cumulative histogram buckets, interpolated as Prometheus's {@code histogram_quantile} does. */
final class Percentiles {
  private Percentiles() {}

  /**
   * The {@code q} quantile of a histogram given as upper bound → cumulative count (the last bound being
   * {@code +Inf} with the total). NaN when empty. A rank that falls into the {@code +Inf} bucket yields the
   * highest finite bound, as in Prometheus.
   */
  static double quantile(double q, NavigableMap<Double, Double> cumulative) {
    if (cumulative.isEmpty()) {
      return Double.NaN;
    }
    double total = cumulative.lastEntry().getValue();
    if (!(total > 0)) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    double highestFinite = 0;
    for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
      double bound = e.getKey();
      double count = e.getValue();
      if (count >= rank) {
        if (Double.isInfinite(bound)) {
          return highestFinite;
        }
        if (count == lowerCount) {
          return bound;
        }
        return lowerBound + (bound - lowerBound) * (rank - lowerCount) / (count - lowerCount);
      }
      if (!Double.isInfinite(bound)) {
        highestFinite = bound;
      }
      lowerBound = bound;
      lowerCount = count;
    }
    return highestFinite;
  }
}
