package dev.headroom.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet simulation is deterministic, and on scenario 1 Headroom's tail beats round robin's. */
class SimulationTest {
  /** Scenario 1 with its 30 min timeline cut to 6 min: about 3,800 requests per strategy. */
  private static final Scenario SMALL = Scenario.heterogeneous().scaled(0.2);

  @Test
  void sameSeedGivesIdenticalNumbers() {
    ScenarioResult first = Simulation.run(SMALL, List.of(Strategy.values()));
    ScenarioResult second = Simulation.run(SMALL, List.of(Strategy.values()));

    assertThat(first.requests()).isGreaterThan(1000).isEqualTo(second.requests());
    for (Strategy strategy : Strategy.values()) {
      StrategyResult a = first.of(strategy);
      StrategyResult b = second.of(strategy);
      assertThat(a.latenciesNanos()).as(strategy.label()).isEqualTo(b.latenciesNanos());
      assertThat(a.localWaitsNanos()).as(strategy.label()).isEqualTo(b.localWaitsNanos());
      assertThat(List.of(a.errors(), a.retries(), a.spilled(), a.checksum()))
          .as(strategy.label()).isEqualTo(List.of(b.errors(), b.retries(), b.spilled(), b.checksum()));
    }
    // and the strategies really differ (a run that ignored its strategy would also be "deterministic")
    assertThat(first.of(Strategy.HEADROOM).checksum()).isNotEqualTo(first.of(Strategy.ROUND_ROBIN).checksum());
  }

  @Test
  void headroomP99BeatsRoundRobinOnTheHeterogeneousFleet() {
    ScenarioResult result = Simulation.run(SMALL,
        List.of(Strategy.ROUND_ROBIN, Strategy.HEADROOM, Strategy.ORACLE));
    StrategyResult headroom = result.of(Strategy.HEADROOM);
    StrategyResult roundRobin = result.of(Strategy.ROUND_ROBIN);

    assertThat(headroom.percentile(0.99)).isLessThan(roundRobin.percentile(0.99));
    assertThat(headroom.errors()).isZero();
    assertThat(headroom.requests()).isEqualTo(roundRobin.requests());
    // every request ended, and the oracle (the limit) is at least as good as anything real in the tail
    assertThat(Arrays.stream(headroom.latenciesNanos()).allMatch(l -> l > 0)).isTrue();
    assertThat(result.of(Strategy.ORACLE).errors()).isZero();
  }

  @Test
  void reportSplicesOnlyItsOwnSection() {
    String before = "# Results\n\n## Core hot path (JMH)\n\nfigures\n";
    String once = SimulationReport.splice(before, Report.START + "\nA\n" + Report.END + "\n");
    String twice = SimulationReport.splice(once, Report.START + "\nB\n" + Report.END + "\n");

    assertThat(twice).startsWith(before.stripTrailing()).contains("\nB\n").doesNotContain("\nA\n");
  }
}
