package dev.headroom.testkit.workload;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws ranks 0..n-1 with probability proportional to {@code 1 / (rank + 1)^s} (a Zipf law; s = 0.99 is the usual
 * model of cache key popularity). Precomputes the cumulative distribution once; each draw is a binary search.
 * Not thread-safe (one per thread), deterministic for a seed.
 */
public final class ZipfSampler {
  private final double[] cdf;
  private final SplittableRandom random;

  /**
   * @param n the number of ranks (keys), at least 1
   * @param s the exponent, at least 0 (0 = uniform)
   * @param seed the random seed
   */
  public ZipfSampler(int n, double s, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1 but was " + n);
    }
    if (!(s >= 0)) {
      throw new IllegalArgumentException("s must be >= 0 but was " + s);
    }
    cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1 / Math.pow(i + 1, s);
      cdf[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cdf[i] /= sum;
    }
    random = new SplittableRandom(seed);
  }

  /** The next rank, 0 being the most popular. */
  public int next() {
    int index = Arrays.binarySearch(cdf, random.nextDouble());
    return Math.min(cdf.length - 1, index >= 0 ? index : -index - 1);
  }

  /** The probability of {@code rank}. */
  public double probability(int rank) {
    return rank == 0 ? cdf[0] : cdf[rank] - cdf[rank - 1];
  }

  /** The number of ranks. */
  public int size() {
    return cdf.length;
  }
}
