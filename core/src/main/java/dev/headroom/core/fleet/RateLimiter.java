package dev.headroom.core.fleet;

/** A token bucket, shared by the fleet or local; from {@link FleetCoordinator#rateLimit}. Thread-safe. */
public interface RateLimiter {

  /** Takes {@code tokens} if the bucket has them; never waits. */
  boolean tryConsume(long tokens);

  /**
   * Takes {@code tokens} if the bucket has them and returns 0; otherwise takes nothing and returns how many
   * nanoseconds from now it should have them ({@link Long#MAX_VALUE}: never, more than it holds). The wait is a hint
   * for pacing: other takers may come first. The default answers from {@link #tryConsume} alone, with
   * {@link #UNKNOWN_WAIT_NANOS} as the hint.
   */
  default long tryConsumeOrWait(long tokens) {
    return tryConsume(tokens) ? 0 : UNKNOWN_WAIT_NANOS;
  }

  /** The wait {@link #tryConsumeOrWait} suggests when a bucket cannot tell: 50 ms. */
  long UNKNOWN_WAIT_NANOS = 50_000_000L;

  /** Puts back {@code tokens} taken for work that was not done (never above the bucket's capacity). */
  void refund(long tokens);
}
