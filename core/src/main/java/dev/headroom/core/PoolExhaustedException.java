package dev.headroom.core;

import java.time.Duration;
import java.util.List;

/**
 * A pool could not hand out a lease: its wait queue was full, or the caller's deadline passed while waiting.
 * Carries how long the caller waited, the queue depth and a per-endpoint snapshot of the load at that moment.
 */
public class PoolExhaustedException extends NoCapacityException {
  private static final long serialVersionUID = 1L;

  private final String pool;
  private final Duration waited;
  private final int waiting;
  private final List<EndpointLoad> endpoints;

  /**
   * @param pool the pool name
   * @param reason {@link SpillReason#SATURATED} or {@link SpillReason#DEADLINE}
   * @param detail why, e.g. "queue full"
   * @param waited how long the caller waited before giving up
   * @param waiting callers waiting in the queue at that moment
   * @param endpoints the per-endpoint load at that moment
   */
  public PoolExhaustedException(String pool, SpillReason reason, String detail, Duration waited, int waiting,
      List<EndpointLoad> endpoints) {
    super(List.of(new TierAttempt(pool, reason,
        detail + "; waited " + waited.toMillis() + " ms, " + waiting + " waiting, endpoints " + endpoints)));
    this.pool = pool;
    this.waited = waited;
    this.waiting = waiting;
    this.endpoints = List.copyOf(endpoints);
  }

  /** The pool name. */
  public String pool() {
    return pool;
  }

  /** How long the caller waited. */
  public Duration waited() {
    return waited;
  }

  /** Callers waiting in the queue when this was thrown. */
  public int waiting() {
    return waiting;
  }

  /** The load of each endpoint when this was thrown. */
  public List<EndpointLoad> endpoints() {
    return endpoints;
  }
}
