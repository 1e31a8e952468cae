package dev.headroom.bench.sim.fleet;

/**
 * What one mode achieved at one replica count. Latency is arrival to completion, the wait in the pool's queue and
 * on the node included; a request that got no lease counts with the full timeout.
 *
 * @param mode the mode
 * @param replicas the replica count (1 for the oracle)
 * @param latencies every request's latency in nanoseconds, sorted
 * @param poolWaits arrival to lease, served requests, sorted
 * @param nodeWaits lease to the start of service on the node (queued on the node), served requests, sorted
 * @param errors requests that got no lease
 * @param violations calls that reached a node already holding its cap, summed over the nodes
 * @param maxOutstanding the most calls one node held at once (in service and queued)
 * @param overCapNanos time any node spent above its cap, summed over the nodes
 * @param permitDenials global permits refused (strict mode)
 * @param slowShare the share of calls served by the slowest nodes
 * @param checksum a digest of every request's outcome, to compare two runs exactly
 */
record FleetOutcome(Mode mode, int replicas, long[] latencies, long[] poolWaits, long[] nodeWaits, int errors,
    long violations, int maxOutstanding, long overCapNanos, long permitDenials, double slowShare, long checksum) {

  long p(double q) {
    return quantile(latencies, q);
  }

  static long quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }
}
