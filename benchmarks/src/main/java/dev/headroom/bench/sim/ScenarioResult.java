package dev.headroom.bench.sim;

import java.util.List;

/** Every strategy's result in one scenario. */
record ScenarioResult(Scenario scenario, int requests, List<StrategyResult> results) {

  ScenarioResult {
    results = List.copyOf(results);
  }

  StrategyResult of(Strategy strategy) {
    return results.stream().filter(r -> r.strategy() == strategy).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(strategy + " was not run"));
  }

  /**
   * The least share of requests that must leave the local tier in the long run: during the burst, whatever arrives
   * beyond the local capacity. A real system needs somewhat more (a queue at 100% utilization grows without bound).
   */
  double fluidSpillBound() {
    Scenario.LoadWindow burst = scenario.burst();
    if (burst == null || burst.load() <= 1 || !scenario.hasCloud()) {
      return 0;
    }
    double burstSeconds = (burst.to().toNanos() - burst.from().toNanos()) / 1e9;
    double totalSeconds = scenario.duration().toNanos() / 1e9;
    double excess = (burst.load() - 1) * burstSeconds;
    double offered = scenario.load() * (totalSeconds - burstSeconds) + burst.load() * burstSeconds;
    return excess / offered;
  }
}
