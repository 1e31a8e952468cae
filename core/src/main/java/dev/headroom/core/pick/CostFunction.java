package dev.headroom.core.pick;

import dev.headroom.core.EndpointState;

/** The cost of sending one more request to an endpoint, for cost-based pickers. Lower is better. */
@FunctionalInterface
public interface CostFunction {

  /** The cost of {@code endpoint} at {@code nowNanos}; must be fast, non-blocking and non-negative. */
  double cost(EndpointState endpoint, long nowNanos);

  /**
   * The default: {@link EndpointState#expectedDelayCost(long)}, the expected delay of one more call from the mean
   * latency, in-flight share of the slots and failure rate.
   */
  static CostFunction expectedDelay() {
    return EndpointState::expectedDelayCost;
  }

  /** Finagle's peak-EWMA cost, {@link EndpointState#peakEwmaCost(long)}. */
  static CostFunction peakEwma() {
    return EndpointState::peakEwmaCost;
  }
}
