package dev.headroom.bench.sim;

import java.util.Arrays;

/**
 * What one strategy achieved in one scenario. Latency is what the client saw: from arrival to the answer, or to the
 * error for a request that failed (a timed-out request counts with its full timeout).
 *
 * @param strategy the strategy
 * @param latenciesNanos every request's latency, sorted
 * @param errors requests that ended in an error the client saw
 * @param retries calls beyond the first, summed over requests
 * @param spilled requests sent to the cloud tier
 * @param localWaitsNanos for requests served locally: arrival to start of service, sorted
 * @param checksum a digest of every request's outcome, to compare two runs exactly
 */
record StrategyResult(Strategy strategy, long[] latenciesNanos, int errors, long retries, int spilled,
    long[] localWaitsNanos, long checksum) {

  int requests() {
    return latenciesNanos.length;
  }

  /** The {@code q}-quantile (nearest rank) in nanoseconds. */
  long percentile(double q) {
    return quantile(latenciesNanos, q);
  }

  long max() {
    return latenciesNanos.length == 0 ? 0 : latenciesNanos[latenciesNanos.length - 1];
  }

  double spilledShare() {
    return requests() == 0 ? 0 : (double) spilled / requests();
  }

  long localWaitPercentile(double q) {
    return quantile(localWaitsNanos, q);
  }

  static long quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  static StrategyResult of(Strategy strategy, SimRequest[] requests) {
    long[] latencies = new long[requests.length];
    long[] waits = new long[requests.length];
    int waitCount = 0;
    int errors = 0;
    long retries = 0;
    int spilled = 0;
    long checksum = 17;
    for (int i = 0; i < requests.length; i++) {
      SimRequest r = requests[i];
      latencies[i] = r.finishedAt - r.arrival;
      if (!r.ok) {
        errors++;
      }
      retries += Math.max(0, r.calls - 1);
      if (r.spilled) {
        spilled++;
      }
      if (r.ok && r.localWait >= 0) {
        waits[waitCount++] = r.localWait;
      }
      checksum = checksum * 1_000_003 + latencies[i] * 7 + r.calls * 3 + (r.ok ? 1 : 0) + (r.spilled ? 2 : 0);
    }
    Arrays.sort(latencies);
    long[] localWaits = Arrays.copyOf(waits, waitCount);
    Arrays.sort(localWaits);
    return new StrategyResult(strategy, latencies, errors, retries, spilled, localWaits, checksum);
  }
}
