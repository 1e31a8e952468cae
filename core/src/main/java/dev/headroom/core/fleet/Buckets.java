package dev.headroom.core.fleet;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/** Bucket4j's answers in the shape of {@link RateLimiter}. */
final class Buckets {
  private Buckets() {}

  /** {@link RateLimiter#tryConsumeOrWait} on a Bucket4j bucket: 0 when taken, else the nanoseconds to its refill. */
  static long tryConsumeOrWait(Bucket bucket, long tokens) {
    if (tokens <= 0) {
      return 0;
    }
    return waitOf(bucket.tryConsumeAndReturnRemaining(tokens));
  }

  /** 0 for a probe that consumed, else its wait (at least 1 ns). */
  static long waitOf(ConsumptionProbe probe) {
    return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
  }
}
