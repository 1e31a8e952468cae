package dev.headroom.core;

/**
 * One endpoint's two moving averages, latency and failure, on one time stamp so that a read costs one {@code exp}.
 *
 * <p>Latency is a "peak" EWMA (Finagle's and Linkerd's): a sample above the average replaces it at once, one below
 * pulls it down with weight {@code 1 - e^(-dt/tau)}. Failure is a plain EWMA of 0/1 outcomes. Reading decays both
 * toward zero with the same time constant, so an endpoint nobody has used for a while gets a fresh chance instead
 * of being judged forever by one slow or failed reply.
 *
 * <p>Writes are synchronized (short, uncontended in practice); reads are lock-free and may see values and a stamp
 * from two different writes, which costs at most one observation's worth of precision.
 */
final class Ewma {
  private final double tauNanos;
  private volatile double latency;
  private volatile double failure;
  private volatile long stamp;

  Ewma(long halfLifeNanos, double initialLatency, long now) {
    this.tauNanos = halfLifeNanos / Math.log(2);
    this.latency = initialLatency;
    this.stamp = now;
  }

  synchronized void observe(long now, double latencySample, boolean failed) {
    long elapsed = Math.max(0, now - stamp);
    double w = Math.exp(-elapsed / tauNanos);
    double l = latency;
    latency = latencySample > l ? latencySample : l * w + latencySample * (1 - w);
    failure = failure * w + (failed ? 1 - w : 0);
    stamp = Math.max(stamp, now);
  }

  /** The decay factor from the last observation to {@code now}. */
  double decay(long now) {
    long elapsed = now - stamp;
    return elapsed <= 0 ? 1.0 : Math.exp(-elapsed / tauNanos);
  }

  double rawLatency() {
    return latency;
  }

  double rawFailure() {
    return failure;
  }
}
