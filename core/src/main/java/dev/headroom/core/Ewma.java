package dev.headroom.core;

/**
 * A time-based exponentially weighted moving average, optionally "peak" (Finagle's and Linkerd's peak EWMA): an
 * observation above the average replaces it at once, one below pulls it down with weight {@code 1 - e^(-dt/tau)}.
 * Reading decays the value toward zero with the same time constant, so an endpoint nobody has used for a while
 * gets a fresh chance instead of being judged forever by one slow reply.
 *
 * <p>Writes are synchronized (short, uncontended in practice); reads are lock-free and may see a value and a stamp
 * from two different writes, which costs at most one observation's worth of precision.
 */
final class Ewma {
  private final double tauNanos;
  private final boolean peak;
  private volatile double value;
  private volatile long stamp;

  Ewma(long halfLifeNanos, boolean peak, double initial, long now) {
    this.tauNanos = halfLifeNanos / Math.log(2);
    this.peak = peak;
    this.value = initial;
    this.stamp = now;
  }

  synchronized void observe(long now, double sample) {
    long elapsed = Math.max(0, now - stamp);
    double current = value;
    if (peak && sample > current) {
      current = sample;
    } else {
      double w = Math.exp(-elapsed / tauNanos);
      current = current * w + sample * (1 - w);
    }
    value = current;
    stamp = Math.max(stamp, now);
  }

  double get(long now) {
    double current = value;
    long elapsed = now - stamp;
    return elapsed <= 0 ? current : current * Math.exp(-elapsed / tauNanos);
  }
}
