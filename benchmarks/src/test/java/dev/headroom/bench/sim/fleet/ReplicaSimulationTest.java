package dev.headroom.bench.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Four replicas of the real core over one fleet of 4-slot nodes, 3 virtual minutes: with strict caps (global
 * permits) no node ever holds more than its slots, counted on the node; each replica alone overloads them.
 */
class ReplicaSimulationTest {
  private static final ReplicaSimulation SIM =
      new ReplicaSimulation(FleetSpec.defaults().withDuration(Duration.ofMinutes(3)));

  @Test
  void strictCapsNeverExceedANodesSlots() {
    FleetOutcome strict = SIM.run(Mode.STRICT, 4);

    assertThat(SIM.requests()).isGreaterThan(3000);
    assertThat(strict.violations()).isZero();
    assertThat(strict.maxOutstanding()).isEqualTo(4);
    assertThat(strict.errors()).isZero();
    assertThat(strict.latencies()).hasSize(SIM.requests());
    // the cap was binding: replicas were refused permits that their own limits would have allowed
    assertThat(strict.permitDenials()).isPositive();
  }

  @Test
  void localOnlyReplicasOverloadTheSameNodes() {
    FleetOutcome local = SIM.run(Mode.LOCAL, 4);

    assertThat(local.violations()).isPositive();
    assertThat(local.maxOutstanding()).isGreaterThan(4);
    assertThat(SIM.run(Mode.ORACLE, 1).violations()).isZero();
  }

  @Test
  void sameSeedGivesIdenticalRuns() {
    ReplicaSimulation again = new ReplicaSimulation(FleetSpec.defaults().withDuration(Duration.ofMinutes(3)));

    assertThat(again.run(Mode.SHARED, 4).checksum()).isEqualTo(SIM.run(Mode.SHARED, 4).checksum());
    assertThat(SIM.run(Mode.SHARED, 4).checksum()).isNotEqualTo(SIM.run(Mode.LOCAL, 4).checksum());
  }
}
