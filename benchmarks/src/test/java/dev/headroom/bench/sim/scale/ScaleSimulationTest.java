package dev.headroom.bench.sim.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The scale simulation's behaviour on a short run (its figures are the report's; here only what must hold). */
class ScaleSimulationTest {
  private final ScaleSimulation sim = new ScaleSimulation(ScaleSpec.defaults().withBefore(Duration.ofMinutes(2))
      .withStep(Duration.ofMinutes(6)));

  @Test
  void withDiscoveryTheHpasNewNodesTakeWorkAndNoRequestTimesOutWithoutThemNoneIsUsed() {
    ScaleSimulation.Outcome restart = sim.scaleUp(false);
    ScaleSimulation.Outcome discovery = sim.scaleUp(true);

    assertThat(discovery.decidedAt()).as("the queue passed the threshold after the step").isPositive();
    assertThat(discovery.started().get("n3") + discovery.started().get("n4")).isPositive();
    assertThat(discovery.sharedAt()).as("the new nodes reached their share").isGreaterThan(discovery.readyAt());
    assertThat(discovery.errors()).isZero();

    assertThat(restart.started().get("n3") + restart.started().get("n4")).isZero();
    assertThat(restart.errors()).as("150% of two nodes for six minutes: the queue overflows the deadline")
        .isPositive();
    assertThat(discovery.percentile(0.99)).isLessThan(restart.percentile(0.99));
  }

  @Test
  void drainingTheRemovedNodesLosesNoRequestKillingThemFailsTheCallsTheyHeld() {
    ScaleSimulation.Outcome abrupt = sim.scaleDown(false);
    ScaleSimulation.Outcome drain = sim.scaleDown(true);

    assertThat(drain.errors()).isZero();
    assertThat(abrupt.errors()).isPositive();
    assertThat(drain.requests()).isEqualTo(abrupt.requests());
  }
}
