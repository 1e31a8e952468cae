package dev.headroom.core.fleet;

/** A token bucket, shared by the fleet or local; from {@link FleetCoordinator#rateLimit}. Thread-safe. */
public interface RateLimiter {

  /** Takes {@code tokens} if the bucket has them; never waits. */
  boolean tryConsume(long tokens);

  /** Puts back {@code tokens} taken for work that was not done (never above the bucket's capacity). */
  void refund(long tokens);
}
