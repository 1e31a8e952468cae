package dev.headroom.core.pick;

import dev.headroom.core.EndpointState;

/** The cost of sending one more request to an endpoint, for cost-based pickers. Lower is better. */
@FunctionalInterface
public interface CostFunction {

  /** The cost of {@code endpoint} at {@code nowNanos}; must be fast, non-blocking and non-negative. */
  double cost(EndpointState endpoint, long nowNanos);

  /**
   * The default: {@code (inFlight + 1) × peakEwmaLatency × (1 + 4 × failureEwma) / weight}. The failure term keeps
   * an endpoint that fails fast from looking attractive just because its errors come back quickly.
   */
  static CostFunction peakEwma() {
    return (endpoint, now) -> (endpoint.inFlight() + 1) * endpoint.latencyNanos(now)
        * (1 + 4 * endpoint.failureRate(now)) / endpoint.endpoint().weight();
  }
}
