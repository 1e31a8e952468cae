package dev.headroom.core;

/**
 * A point-in-time view of one endpoint's circuit breaker, for reports and tests: the pool records calls on the
 * breaker itself and never hands it out. Immutable.
 *
 * @param state the breaker's state now ({@link State#DISABLED} when the pool has no breakers)
 * @param failureRate the share of failed calls in the breaker's window, in [0, 1]; {@code NaN} until the window
 *     holds its minimum number of calls, and for a disabled breaker
 * @param sinceNanos the pool ticker's reading when the pool saw the breaker enter its current state (when the
 *     endpoint joined, for a breaker that has never changed); the change from open to half-open happens when the
 *     next call asks, so an open breaker whose wait is over may show {@link State#OPEN} until then
 */
public record BreakerState(State state, double failureRate, long sinceNanos) {

  /** The states of a breaker as a pool uses them. */
  public enum State {
    /** Calls go through and are counted. */
    CLOSED,
    /** The failure rate passed the threshold: no calls (unless the pool is in panic) until the wait is over. */
    OPEN,
    /** A few trial calls decide whether it closes or opens again. */
    HALF_OPEN,
    /** The pool has no circuit breakers ({@code noCircuitBreaker()}). */
    DISABLED
  }

  /** Whether calls are kept away from the endpoint right now by this breaker. */
  public boolean isOpen() {
    return state == State.OPEN;
  }
}
