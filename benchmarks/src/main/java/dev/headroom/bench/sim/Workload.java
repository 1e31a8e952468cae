package dev.headroom.bench.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The requests of one scenario, drawn once from its seed and replayed identically for every strategy (common
 * random numbers): arrival times of an open-loop Poisson process whose rate follows the scenario's load, and per
 * request and attempt a standard normal draw (its service time) and a uniform draw (whether a failing backend fails
 * it). Two strategies therefore see the same requests, each as slow as the other wherever it lands.
 */
final class Workload {
  /** Draws kept per request; attempts beyond reuse them in turn. */
  static final int DRAWS = 4;

  private final long[] arrivals;
  private final double[] normals;
  private final double[] uniforms;

  private Workload(long[] arrivals, double[] normals, double[] uniforms) {
    this.arrivals = arrivals;
    this.normals = normals;
    this.uniforms = uniforms;
  }

  static Workload generate(Scenario scenario) {
    SplittableRandom random = new SplittableRandom(scenario.seed());
    double capacity = scenario.capacityPerSecond();
    long end = scenario.duration().toNanos();
    long[] times = new long[1024];
    int n = 0;
    long t = 0;
    while (true) {
      double ratePerNano = scenario.loadAt(t) * capacity / 1e9;
      long gap = (long) Math.ceil(-Math.log(1 - random.nextDouble()) / ratePerNano);
      long change = scenario.nextLoadChangeAfter(t);
      if (t + gap >= change) { // memoryless: start again from the change with the new rate
        t = change;
        continue;
      }
      t += gap;
      if (t >= end) {
        break;
      }
      if (n == times.length) {
        times = Arrays.copyOf(times, n * 2);
      }
      times[n++] = t;
    }
    double[] normals = new double[n * DRAWS];
    double[] uniforms = new double[n * DRAWS];
    for (int i = 0; i < normals.length; i++) {
      normals[i] = gaussian(random);
      uniforms[i] = random.nextDouble();
    }
    return new Workload(Arrays.copyOf(times, n), normals, uniforms);
  }

  int size() {
    return arrivals.length;
  }

  long arrival(int request) {
    return arrivals[request];
  }

  double normal(int request, int attempt) {
    return normals[request * DRAWS + attempt % DRAWS];
  }

  double uniform(int request, int attempt) {
    return uniforms[request * DRAWS + attempt % DRAWS];
  }

  /** Box–Muller, one value per call (the twin is dropped so that the sequence has no hidden state). */
  private static double gaussian(SplittableRandom random) {
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
