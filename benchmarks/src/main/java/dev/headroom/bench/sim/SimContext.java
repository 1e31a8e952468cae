package dev.headroom.bench.sim;

import dev.headroom.core.time.VirtualTime;
import java.util.List;

/**
 * What a strategy's client works with in one run: the virtual clock, the scenario, its local backends (in list
 * order) and the cloud tier's backend (null when the scenario has none).
 */
record SimContext(VirtualTime time, Scenario scenario, List<SimBackend> locals, SimBackend cloud) {

  /** A seed for one strategy's own randomness, derived from the scenario's. */
  long seed(int salt) {
    return scenario.seed() * 31 + salt;
  }
}
