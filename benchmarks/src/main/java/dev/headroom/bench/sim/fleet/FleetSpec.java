package dev.headroom.bench.sim.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one replica simulation runs: the nodes, the offered load, for how long, and the shared store's timing.
 *
 * @param nodes the endpoints, the same on every replica
 * @param sigma the log-spread of service times (0.5: p99 about 3.2 × the median)
 * @param load the offered load as a share of the fleet's capacity (sum of slots / mean service)
 * @param duration how long requests arrive
 * @param timeout how long a request may wait for a lease
 * @param interval the fleet's publish interval
 * @param oneWay the one-way delay between a replica and the shared store
 * @param seed the seed of every random draw
 */
record FleetSpec(List<NodeSpec> nodes, double sigma, double load, Duration duration, Duration timeout,
    Duration interval, Duration oneWay, long seed) {

  /** One node: {@code slots} parallel calls (OLLAMA_NUM_PARALLEL), served in {@code meanSeconds} on average. */
  record NodeSpec(String id, int slots, double meanSeconds) {
    double capacityPerSecond() {
      return slots / meanSeconds;
    }
  }

  FleetSpec {
    nodes = List.copyOf(nodes);
  }

  /**
   * The default fleet: 8 Ollama-like nodes with 4 slots each, mean service 0.7 s, 1 s, 1.5 s and 3 s in turn
   * (σ = 0.5), at 75% of capacity for 30 min; publish every 250 ms, 1 ms one way to the store.
   */
  static FleetSpec defaults() {
    double[] means = {0.7, 1.0, 1.5, 3.0};
    List<NodeSpec> nodes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      nodes.add(new NodeSpec("gpu-" + (i + 1), 4, means[i % means.length]));
    }
    return new FleetSpec(nodes, 0.5, 0.75, Duration.ofMinutes(30), Duration.ofSeconds(30),
        Duration.ofMillis(250), Duration.ofMillis(1), 20240613L);
  }

  double capacityPerSecond() {
    return nodes.stream().mapToDouble(NodeSpec::capacityPerSecond).sum();
  }

  FleetSpec withDuration(Duration value) {
    return new FleetSpec(nodes, sigma, load, value, timeout, interval, oneWay, seed);
  }

  FleetSpec withLoad(double value) {
    return new FleetSpec(nodes, sigma, value, duration, timeout, interval, oneWay, seed);
  }

  FleetSpec withInterval(Duration value) {
    return new FleetSpec(nodes, sigma, load, duration, timeout, value, oneWay, seed);
  }

  FleetSpec withOneWay(Duration value) {
    return new FleetSpec(nodes, sigma, load, duration, timeout, interval, value, seed);
  }
}
