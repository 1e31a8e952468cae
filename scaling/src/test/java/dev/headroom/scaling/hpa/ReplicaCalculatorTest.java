package dev.headroom.scaling.hpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaCalculatorTest {
  private static final Tolerances TOL = Tolerances.DEFAULT;

  @Test
  void threePodsAt300And500And700MilliOf1000WithTarget30PercentScaleToFive() {
    // utilization = (300+500+700)*100/3000 = 50%; ratio 50/30; ceil(1.667 * 3) = 5
    MetricProposal p = ReplicaCalculator.propose(3, MetricInput.resource("cpu", Target.utilization(30), List.of(
        PodSample.ready("p0", 300, 1000), PodSample.ready("p1", 500, 1000), PodSample.ready("p2", 700, 1000))), TOL);
    assertThat(p.replicas()).isEqualTo(5);
    assertThat(p.usage()).isEqualTo(50);
  }

  @Test
  void utilizationIsAnIntegerPercentageTruncatedBeforeTheRatio() {
    // 100/300 -> 33% (not 33.3%): ratio 33/50 = 0.66, ceil(0.66 * 3) = 2 either way, but usage reports 33
    MetricProposal p = ReplicaCalculator.propose(3, MetricInput.resource("memory", Target.utilization(50), List.of(
        PodSample.ready("a", 30, 100), PodSample.ready("b", 30, 100), PodSample.ready("c", 40, 100))), TOL);
    assertThat(p.usage()).isEqualTo(33);
    assertThat(p.replicas()).isEqualTo(2);
  }

  @Test
  void theToleranceBandIsInclusiveAtBothEdges() {
    assertThat(1.0 + 0.1).isEqualTo(1.1); // the edge really is representable as the controller computes it
    assertThat(1.0 - 0.1).isEqualTo(0.9);
    assertThat(pods(10, 1100, 1000)).as("ratio exactly 1.1 -> no change").isEqualTo(10);
    assertThat(pods(10, 1101, 1000)).as("ratio 1.101 -> ceil(11.01)").isEqualTo(12);
    assertThat(pods(10, 900, 1000)).as("ratio exactly 0.9 -> no change").isEqualTo(10);
    assertThat(pods(10, 899, 1000)).as("ratio 0.899 -> ceil(8.99)").isEqualTo(9);
    // utilization: 55% of a 50% target is exactly 1.1
    MetricProposal edge = ReplicaCalculator.propose(2, MetricInput.resource("cpu", Target.utilization(50), List.of(
        PodSample.ready("a", 550, 1000), PodSample.ready("b", 550, 1000))), TOL);
    assertThat(edge.replicas()).isEqualTo(2);
    MetricProposal over = ReplicaCalculator.propose(2, MetricInput.resource("cpu", Target.utilization(50), List.of(
        PodSample.ready("a", 560, 1000), PodSample.ready("b", 560, 1000))), TOL);
    assertThat(over.replicas()).isEqualTo(3);
  }

  @Test
  void asymmetricTolerancesMoveEachEdgeSeparately() {
    Tolerances t = new Tolerances(0.05, 0.5);
    assertThat(ReplicaCalculator.propose(10, podsInput(10, 1400, 1000), t).replicas()).isEqualTo(10);
    assertThat(ReplicaCalculator.propose(10, podsInput(10, 1600, 1000), t).replicas()).isEqualTo(16);
    assertThat(ReplicaCalculator.propose(10, podsInput(10, 800, 1000), t).replicas()).isEqualTo(8);
  }

  @Test
  void unreadyCpuPodsCountAsIdleOnAScaleUp() {
    // Kubernetes's TestReplicaCalcScaleUpUnreadyLessScale: 300 (unready), 500, 700 of 1000, target 30 -> 4
    MetricProposal p = ReplicaCalculator.propose(3, MetricInput.resource("cpu", Target.utilization(30), List.of(
        PodSample.notReady("p0", 300, 1000), PodSample.ready("p1", 500, 1000), PodSample.ready("p2", 700, 1000))),
        TOL);
    assertThat(p.replicas()).isEqualTo(4);
    // memory ignores readiness: all three count, as for the ready case -> 5
    MetricProposal mem = ReplicaCalculator.propose(3, MetricInput.resource("memory", Target.utilization(30), List.of(
        PodSample.notReady("p0", 300, 1000), PodSample.ready("p1", 500, 1000), PodSample.ready("p2", 700, 1000))),
        TOL);
    assertThat(mem.replicas()).isEqualTo(5);
  }

  @Test
  void missingPodsCountAsFullyUsedOnAScaleDownAndIdleOnAScaleUp() {
    // down: 3 x 100m of 1000m + one missing (counted at 100% of its request): (300+1000)*100/4000 = 32% of 50 -> 3
    MetricProposal down = ReplicaCalculator.propose(4, MetricInput.resource("cpu", Target.utilization(50), List.of(
        PodSample.ready("a", 100, 1000), PodSample.ready("b", 100, 1000), PodSample.ready("c", 100, 1000),
        PodSample.missing("d", 1000))), TOL);
    assertThat(down.replicas()).isEqualTo(3);
    // up: 2 x 900m + one missing (counted at 0): 1800*100/3000 = 60% of 50 -> 1.2 -> ceil(3.6) = 4
    MetricProposal up = ReplicaCalculator.propose(3, MetricInput.resource("cpu", Target.utilization(50), List.of(
        PodSample.ready("a", 900, 1000), PodSample.ready("b", 900, 1000), PodSample.missing("c", 1000))), TOL);
    assertThat(up.replicas()).isEqualTo(4);
    // a recomputed ratio inside the band keeps the count: 2 x 600 + missing -> 1200/3 = 400 vs target 400 (pods)
    MetricProposal settle = ReplicaCalculator.propose(3, MetricInput.pods("q", Target.averageValueMilli(400), List.of(
        PodSample.ready("a", 600), PodSample.ready("b", 600), new PodSample("c", PodSample.State.READY, false, 0, 0))),
        TOL);
    assertThat(settle.replicas()).isEqualTo(3);
  }

  @Test
  void ignoredAndPendingPodsAreSetAside() {
    MetricProposal p = ReplicaCalculator.propose(3, MetricInput.pods("q", Target.averageValue(10), List.of(
        PodSample.ready("a", 20_000), PodSample.ignored("gone"), PodSample.pending("new", 0))), TOL);
    // ratio 2 with an unready (pending) pod on a scale-up: pending counts 0 -> avg 10 -> within the band
    assertThat(p.replicas()).isEqualTo(3);
  }

  @Test
  void objectAndExternalTargets() {
    // Value: ratio scales the ready pods
    assertThat(ReplicaCalculator.propose(2, MetricInput.object("queue", Target.value(50), 150_000, 2), TOL)
        .replicas()).isEqualTo(6);
    // Value from zero replicas ignores readiness and tolerance
    assertThat(ReplicaCalculator.propose(0, MetricInput.external("queue", Target.value(50), 1_000, 0), TOL)
        .replicas()).isEqualTo(1);
    // AverageValue: total / per-pod target, once outside the band
    MetricInput.External depth = new MetricInput.External("headroom_queue_depth", Target.averageValue(50),
        List.of(120_000L, 180_000L), 3);
    MetricProposal p = ReplicaCalculator.propose(3, depth, TOL);
    assertThat(p.replicas()).isEqualTo(6);
    assertThat(p.usage()).as("reported per pod").isEqualTo(100_000);
    assertThat(ReplicaCalculator.propose(6, depth, TOL).replicas()).isEqualTo(6);
  }

  @Test
  void badInputsAreTypedErrors() {
    assertThat(ReplicaCalculator.propose(3, MetricInput.pods("q", Target.averageValue(1), List.of()), TOL).error())
        .contains("no pods");
    assertThat(ReplicaCalculator.propose(3, MetricInput.pods("q", Target.averageValue(1),
        List.of(PodSample.pending("a", 0))), TOL).error()).contains("did not receive metrics");
    assertThatThrownBy(() -> Target.utilization(0)).isInstanceOf(ConfigException.class).hasMessageContaining("> 0");
    assertThatThrownBy(() -> MetricInput.pods("q", Target.value(1), List.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("AverageValue");
    assertThat(Target.milli(0.3)).isEqualTo(300);
    assertThat(Target.milli(0.0001)).as("rounds up like Quantity.MilliValue").isEqualTo(1);
  }

  private static int pods(int n, long each, long target) {
    return ReplicaCalculator.propose(n, podsInput(n, each, target), TOL).replicas();
  }

  private static MetricInput podsInput(int n, long each, long target) {
    List<PodSample> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(PodSample.ready("p" + i, each));
    }
    return MetricInput.pods("m", Target.averageValueMilli(target), list);
  }
}
