package dev.headroom.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/** How long a fake backend takes to serve one request. Implementations are immutable and thread-safe. */
@FunctionalInterface
public interface LatencyModel {

  /** One service time in nanoseconds, drawn with {@code random}. */
  long sampleNanos(SplittableRandom random);

  /** Always {@code latency}. */
  static LatencyModel fixed(Duration latency) {
    long nanos = latency.toNanos();
    return random -> nanos;
  }

  /**
   * A lognormal distribution with the given mean and shape {@code sigma} (0.5 is a typical service-time spread):
   * most replies near the median, a long tail of slow ones, as real servers have.
   */
  static LatencyModel lognormal(Duration mean, double sigma) {
    Objects.requireNonNull(mean, "mean");
    if (sigma < 0) {
      throw new IllegalArgumentException("sigma must be >= 0 but was " + sigma);
    }
    double mu = Math.log(mean.toNanos()) - sigma * sigma / 2; // so that E[X] = mean
    return random -> (long) Math.exp(mu + sigma * gaussian(random));
  }

  /** Uniform in {@code [min, max]}. */
  static LatencyModel uniform(Duration min, Duration max) {
    long lo = min.toNanos();
    long hi = max.toNanos();
    return random -> lo + (long) (random.nextDouble() * (hi - lo));
  }

  /** This model with every sample multiplied by {@code factor}. */
  default LatencyModel times(double factor) {
    return random -> (long) (sampleNanos(random) * factor);
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
