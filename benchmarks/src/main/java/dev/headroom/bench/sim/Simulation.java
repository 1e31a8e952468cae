package dev.headroom.bench.sim;

import dev.headroom.core.time.VirtualTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link Scenario} once per {@link Strategy} on a fresh virtual clock and fresh backends, replaying the same
 * {@link Workload}. Single-threaded and seeded: the same scenario gives the same numbers, to the nanosecond.
 */
final class Simulation {
  /** Time after the last arrival for every request to finish (its timeout and then some). */
  private static final long DRAIN_NANOS = 60_000_000_000L;

  private Simulation() {}

  static ScenarioResult run(Scenario scenario, List<Strategy> strategies) {
    Workload workload = Workload.generate(scenario);
    List<StrategyResult> results = new ArrayList<>();
    for (Strategy strategy : strategies) {
      results.add(run(scenario, workload, strategy));
    }
    return new ScenarioResult(scenario, workload.size(), results);
  }

  static StrategyResult run(Scenario scenario, Workload workload, Strategy strategy) {
    VirtualTime time = new VirtualTime();
    List<SimBackend> locals = new ArrayList<>();
    for (BackendSpec spec : scenario.backends()) {
      locals.add(new SimBackend(spec, locals.size(), time, scenario.faults()));
    }
    SimBackend cloud = scenario.hasCloud() ? new SimBackend(scenario.cloud(), -1, time, List.of()) : null;
    SimContext context = new SimContext(time, scenario, List.copyOf(locals), cloud);
    Client client = strategy.create(context);
    SimRequest[] requests = new SimRequest[workload.size()];
    long timeout = scenario.timeout().toNanos();
    for (int i = 0; i < requests.length; i++) {
      requests[i] = new SimRequest(i, workload, timeout, scenario.idempotent());
    }
    if (requests.length > 0) {
      scheduleArrival(time, client, requests, 0);
    }
    time.advanceNanos(scenario.duration().toNanos() + timeout + DRAIN_NANOS);
    for (SimRequest request : requests) {
      if (!request.done()) {
        throw new IllegalStateException(strategy + ": request " + request.id + " never finished in " + scenario.key());
      }
    }
    return StrategyResult.of(strategy, requests);
  }

  private static void scheduleArrival(VirtualTime time, Client client, SimRequest[] requests, int i) {
    time.schedule(requests[i].arrival - time.read(), () -> {
      if (i + 1 < requests.length) {
        scheduleArrival(time, client, requests, i + 1);
      }
      client.send(requests[i]);
    });
  }
}
