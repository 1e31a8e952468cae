package dev.headroom.bench.sim;

import java.time.Duration;

/**
 * One simulated backend: {@code slots} requests served in parallel (OLLAMA_NUM_PARALLEL), the rest waiting in a
 * FIFO queue, each served in a lognormal time with the given mean and log-spread.
 *
 * @param id the endpoint id
 * @param slots parallel slots, >= 1
 * @param meanService the mean service time of one request
 * @param sigma the standard deviation of the service time's logarithm (0.5: p99 is about 3.2 × the median)
 */
record BackendSpec(String id, int slots, Duration meanService, double sigma) {

  BackendSpec {
    if (slots < 1 || meanService.isNegative() || meanService.isZero() || sigma < 0) {
      throw new IllegalArgumentException("bad backend spec " + id);
    }
  }

  /** Requests per second it completes when every slot is busy. */
  double capacityPerSecond() {
    return slots / (meanService.toNanos() / 1e9);
  }
}
