package dev.headroom.spring;

import dev.headroom.core.Picker;
import dev.headroom.core.pick.Pickers;

/** The pickers a pool can be configured with by name ({@code headroom.pools.<name>.picker}). */
public enum PickerKind {
  /** Power of two choices on the peak-EWMA cost (the default). */
  POWER_OF_TWO_CHOICES,
  /** The endpoint with the fewest leases in flight per unit of weight. */
  LEAST_IN_FLIGHT,
  /** The next endpoint in pool order. */
  ROUND_ROBIN,
  /** A random endpoint, proportional to weight. */
  WEIGHTED_RANDOM;

  /** A new picker of this kind. */
  public Picker create() {
    return switch (this) {
      case POWER_OF_TWO_CHOICES -> Pickers.powerOfTwoChoices();
      case LEAST_IN_FLIGHT -> Pickers.leastInFlight();
      case ROUND_ROBIN -> Pickers.roundRobin();
      case WEIGHTED_RANDOM -> Pickers.weightedRandom();
    };
  }
}
