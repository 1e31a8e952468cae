package dev.headroom.core;

/** The health of one endpoint as the pool sees it. */
public enum Health {
  /** Eligible for new leases (unless draining or at its limit). */
  UP,
  /** Temporarily removed by passive outlier detection or an open circuit breaker; returns after a backoff. */
  EJECTED,
  /** Removed because its active health probe failed; returns when the probe passes again. */
  DOWN
}
