package dev.headroom.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One endpoint's moving averages, on one time stamp so that a read costs one {@code exp}: a "peak" latency, a mean
 * latency and a failure rate.
 *
 * <p>The peak latency (Finagle's and Linkerd's) takes a sample above it at once, and one below pulls it down with
 * weight {@code 1 - e^(-dt/tau)}: risk-averse, for choosing. The mean latency is a plain EWMA of the same samples:
 * for predicting how soon slots free up, where the peak would overstate by as much as the service times vary.
 * Failure is a plain EWMA of 0/1 outcomes. Reading decays all of them toward zero with the same time constant, so an endpoint nobody has used for a while gets a fresh chance instead
 * of being judged forever by one slow or failed reply.
 *
 * <p>Writes take a one-CAS spin lock (short and uncontended in practice; cheaper than a monitor, which costs two);
 * reads are lock-free and may see values and a stamp from two different writes, which costs at most one
 * observation's worth of precision.
 */
final class Ewma {
  private static final VarHandle WRITING;
  private static final VarHandle LATENCY;
  private static final VarHandle MEAN;
  private static final VarHandle FAILURE;
  private static final VarHandle STAMP;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      WRITING = lookup.findVarHandle(Ewma.class, "writing", int.class);
      LATENCY = lookup.findVarHandle(Ewma.class, "latency", double.class);
      MEAN = lookup.findVarHandle(Ewma.class, "mean", double.class);
      FAILURE = lookup.findVarHandle(Ewma.class, "failure", double.class);
      STAMP = lookup.findVarHandle(Ewma.class, "stamp", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** {@code -1 / tau}: a multiplication on the hot path instead of a division. */
  private final double negInvTau;
  // written under the lock with release stores and read with acquire loads: plain moves on x86, no fences
  private double latency;
  private double mean;
  private double failure;
  private long stamp;
  @SuppressWarnings("unused") // through WRITING
  private volatile int writing;

  Ewma(long halfLifeNanos, double initialLatency, long now) {
    this.negInvTau = -Math.log(2) / halfLifeNanos;
    this.latency = initialLatency;
    this.mean = initialLatency;
    this.stamp = now; // published by the final field negInvTau's freeze and the pool's snapshot (volatile)
  }

  void observe(long now, double latencySample, boolean failed) {
    while (!WRITING.compareAndSet(this, 0, 1)) {
      Thread.onSpinWait();
    }
    try {
      long last = stamp;
      double w = expNeg(Math.max(0, now - last) * negInvTau);
      double l = latency;
      LATENCY.setRelease(this, latencySample > l ? latencySample : l * w + latencySample * (1 - w));
      MEAN.setRelease(this, mean * w + latencySample * (1 - w));
      FAILURE.setRelease(this, failure * w + (failed ? 1 - w : 0));
      if (now > last) {
        STAMP.setRelease(this, now);
      }
    } finally {
      WRITING.setRelease(this, 0);
    }
  }

  /** The decay factor from the last observation to {@code now}. */
  double decay(long now) {
    long elapsed = now - (long) STAMP.getAcquire(this);
    return elapsed <= 0 ? 1.0 : expNeg(elapsed * negInvTau);
  }

  double rawLatency() {
    return (double) LATENCY.getAcquire(this);
  }

  double rawMean() {
    return (double) MEAN.getAcquire(this);
  }

  double rawFailure() {
    return (double) FAILURE.getAcquire(this);
  }

  /**
   * {@code e^x} for {@code x <= 0}. Between two requests a few milliseconds apart and a half-life of seconds,
   * {@code |x|} is tiny and three Taylor terms are exact to double precision (error below {@code x^4 / 24 <
   * 5e-18}), which skips the call to {@link Math#exp} on the hot path.
   */
  static double expNeg(double x) {
    if (x > -1e-4) {
      return 1 + x * (1 + x * (0.5 + x * (1.0 / 6)));
    }
    return Math.exp(x);
  }
}
