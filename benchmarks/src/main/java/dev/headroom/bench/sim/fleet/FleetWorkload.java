package dev.headroom.bench.sim.fleet;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The requests of one spec, drawn once from its seed and replayed identically in every mode and for every replica
 * count: Poisson arrival times, a standard normal draw per request (its service time on whichever node serves it)
 * and a uniform draw that picks its replica ({@code floor(u × N)}, a k8s Service spreading requests at random).
 */
final class FleetWorkload {
  final long[] arrivals;
  final double[] normals;
  final double[] uniforms;

  private FleetWorkload(long[] arrivals, double[] normals, double[] uniforms) {
    this.arrivals = arrivals;
    this.normals = normals;
    this.uniforms = uniforms;
  }

  static FleetWorkload generate(FleetSpec spec) {
    SplittableRandom random = new SplittableRandom(spec.seed());
    double ratePerNano = spec.load() * spec.capacityPerSecond() / 1e9;
    long end = spec.duration().toNanos();
    long[] times = new long[1024];
    int n = 0;
    long t = 0;
    while (true) {
      t += (long) Math.ceil(-Math.log(1 - random.nextDouble()) / ratePerNano);
      if (t >= end) {
        break;
      }
      if (n == times.length) {
        times = Arrays.copyOf(times, n * 2);
      }
      times[n++] = t;
    }
    double[] normals = new double[n];
    double[] uniforms = new double[n];
    for (int i = 0; i < n; i++) {
      double u1 = 1 - random.nextDouble();
      double u2 = random.nextDouble();
      normals[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      uniforms[i] = random.nextDouble();
    }
    return new FleetWorkload(Arrays.copyOf(times, n), normals, uniforms);
  }

  int size() {
    return arrivals.length;
  }

  /** The replica, of {@code replicas}, that request {@code i} lands on. */
  int replica(int i, int replicas) {
    return Math.min(replicas - 1, (int) (uniforms[i] * replicas));
  }
}
