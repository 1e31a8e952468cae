package dev.headroom.core;

/** The health of one endpoint as the pool sees it. */
public enum Health {
  /** Eligible for new leases (unless draining or at its limit). */
  UP,
  /** Temporarily removed by passive outlier detection or an open circuit breaker; returns after a backoff. */
  EJECTED,
  /**
   * Removed because its active health probe failed, or (an endpoint added to a running pool with probes) because
   * it has not passed its first probe yet; returns when the probe passes.
   */
  DOWN
}
