package dev.headroom.core;

/**
 * Chooses one endpoint of a {@link Snapshot} for a request. Implementations live in
 * {@code dev.headroom.core.pick.Pickers}; the default is power of two choices on peak-EWMA cost.
 *
 * <p>A picker must only return an endpoint that the selector accepts and that {@link EndpointState#hasCapacity()
 * has capacity} at the time it looked; the pool then reserves the slot atomically and asks again if it lost a race.
 * It must be thread-safe, must not block and should not allocate.
 */
@FunctionalInterface
public interface Picker {

  /** Returned by {@link #pick} when no endpoint is acceptable and has capacity. */
  int NONE = -1;

  /**
   * @param snapshot the eligible endpoints
   * @param selector which endpoints the request may use
   * @param nowNanos the pool ticker's current reading (for decayed latencies)
   * @return the index in {@code snapshot} of the chosen endpoint, or {@link #NONE}
   */
  int pick(Snapshot snapshot, Selector selector, long nowNanos);

  /** Whether {@code state} is a candidate: accepted by the selector and under its limit. */
  static boolean candidate(EndpointState state, Selector selector) {
    return state.hasCapacity() && selector.accepts(state);
  }
}
