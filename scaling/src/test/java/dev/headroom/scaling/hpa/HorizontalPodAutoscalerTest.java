package dev.headroom.scaling.hpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import dev.headroom.core.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked cases of the Kubernetes controller's test tables, through the full reconcile. */
class HorizontalPodAutoscalerTest {
  private final VirtualTime time = new VirtualTime();

  /** An external AverageValue metric whose proposal is exactly {@code desired} (ceil(desired * 1000 / 1000)). */
  private static List<MetricInput> wants(int desired) {
    return List.of(MetricInput.external("load", Target.averageValueMilli(1000), desired * 1000L, desired));
  }

  private static HpaScalingRules rules(Duration window, ScalingPolicy... policies) {
    HpaScalingRules.Builder b = HpaScalingRules.builder().stabilizationWindow(window);
    for (ScalingPolicy p : policies) {
      b.policy(p);
    }
    return b.build();
  }

  private HorizontalPodAutoscaler hpa(int min, int max, HpaBehavior behavior) {
    return HorizontalPodAutoscaler.create(HpaSpec.builder(max).minReplicas(min).behavior(behavior).build(), time);
  }

  private static final Duration NONE = Duration.ZERO;

  @Test
  void podsPolicy30Per60sLimitsAScaleUpFrom10To50At40() {
    HorizontalPodAutoscaler h = hpa(1, 1000, HpaBehavior.of(
        rules(NONE, ScalingPolicy.pods(30, Duration.ofSeconds(60))), rules(NONE)));
    HpaDecision d = h.reconcile(10, wants(50));
    assertThat(d.metricReplicas()).isEqualTo(50);
    assertThat(d.desiredReplicas()).isEqualTo(40);
    assertThat(d.scalingLimitedReason()).isEqualTo("ScaleUpLimit");
  }

  @Test
  void percentPolicy200Per60sLimitsAScaleUpFrom10To50At30() {
    HorizontalPodAutoscaler h = hpa(1, 1000, HpaBehavior.of(
        rules(NONE, ScalingPolicy.percent(200, Duration.ofSeconds(60))), rules(NONE)));
    assertThat(h.reconcile(10, wants(50)).desiredReplicas()).isEqualTo(30);
  }

  @Test
  void podsAndPercentPoliciesScalingDownFrom100To2Give80() {
    HorizontalPodAutoscaler h = hpa(1, 1000, HpaBehavior.of(rules(NONE), rules(NONE,
        ScalingPolicy.pods(20, Duration.ofSeconds(60)), ScalingPolicy.percent(1, Duration.ofSeconds(60)))));
    HpaDecision d = h.reconcile(100, wants(2));
    assertThat(d.desiredReplicas()).isEqualTo(80); // Max: the larger change of 20 pods (vs 1%)
    assertThat(d.scalingLimitedReason()).isEqualTo("ScaleDownLimit");
  }

  @Test
  void percent50Per120sWithPriorDownEvents2And4And6ScalingFrom100To0Gives56() {
    HorizontalPodAutoscaler h = hpa(1, 1000, HpaBehavior.of(rules(NONE),
        rules(NONE, ScalingPolicy.percent(50, Duration.ofSeconds(120)))));
    h.recordScaleEvent(114, 112, Duration.ofSeconds(90));
    h.recordScaleEvent(110, 106, Duration.ofSeconds(60));
    h.recordScaleEvent(106, 100, Duration.ofSeconds(30));
    // period start = 100 + 12 = 112; 112 * 50% = 56
    assertThat(h.reconcile(100, wants(0)).desiredReplicas()).isEqualTo(56);
  }

  @Test
  void pods150Per120sWithPriorUpEvents1And5And9ScalingFrom100To500Gives235() {
    HorizontalPodAutoscaler h = hpa(1, 1000, HpaBehavior.of(
        rules(NONE, ScalingPolicy.pods(150, Duration.ofSeconds(120))), rules(NONE)));
    upEvents(h);
    // period start = 100 - 15 = 85; 85 + 150 = 235
    assertThat(h.reconcile(100, wants(500)).desiredReplicas()).isEqualTo(235);
  }

  @Test
  void pods5Per120sWithTheSameEventsCannotScaleUpFrom100() {
    HorizontalPodAutoscaler h = hpa(1, 1000, HpaBehavior.of(
        rules(NONE, ScalingPolicy.pods(5, Duration.ofSeconds(120))), rules(NONE)));
    upEvents(h);
    // 85 + 5 = 90 < 100: the limit is the current count until the events age out
    HpaDecision d = h.reconcile(100, wants(500));
    assertThat(d.desiredReplicas()).isEqualTo(100);
    assertThat(d.rescale()).isFalse();
    time.advance(Duration.ofSeconds(89)); // the newest event (+9) is 119 s old: still in the period
    assertThat(h.reconcile(100, wants(500)).desiredReplicas()).as("91 + 5 < 100").isEqualTo(100);
    time.advance(Duration.ofSeconds(1)); // exactly 120 s old: at the cutoff, so outside
    assertThat(h.reconcile(100, wants(500)).desiredReplicas()).isEqualTo(105);
  }

  private void upEvents(HorizontalPodAutoscaler h) {
    h.recordScaleEvent(85, 86, Duration.ofSeconds(90));
    h.recordScaleEvent(86, 91, Duration.ofSeconds(60));
    h.recordScaleEvent(91, 100, Duration.ofSeconds(30));
  }

  @Test
  void scaleDownStabilizationTakesTheHighestRecommendationOfItsWindow() {
    HorizontalPodAutoscaler h = hpa(1, 1000, HpaBehavior.of(rules(NONE), rules(Duration.ofSeconds(180))));
    h.recordRecommendation(4, Duration.ofMinutes(2));
    h.recordRecommendation(5, Duration.ofMinutes(1));
    HpaDecision d = h.reconcile(100, wants(3));
    assertThat(d.desiredReplicas()).isEqualTo(5);
    assertThat(d.ableToScaleReason()).isEqualTo("ScaleDownStabilized");
  }

  @Test
  void scaleUpStabilizationTakesTheLowestRecommendationOfItsWindow() {
    HorizontalPodAutoscaler h = hpa(1, 1000, HpaBehavior.of(rules(Duration.ofSeconds(300)), null));
    h.recordRecommendation(4, Duration.ofMinutes(2));
    h.recordRecommendation(5, Duration.ofMinutes(1));
    HpaDecision d = h.reconcile(1, wants(7));
    assertThat(d.desiredReplicas()).isEqualTo(4);
    assertThat(d.ableToScaleReason()).isEqualTo("ScaleUpStabilized");
  }

  @Test
  void aRecommendationExactlyAtTheWindowEdgeIsOutside() {
    HorizontalPodAutoscaler h = hpa(1, 1000, HpaBehavior.of(rules(NONE), rules(Duration.ofSeconds(180))));
    h.recordRecommendation(9, Duration.ofSeconds(180)); // time.After(cutoff) is strict
    assertThat(h.reconcile(10, wants(3)).desiredReplicas()).isEqualTo(3);
  }

  @Test
  void defaultBehaviorAddsAtMostMax4PodsOr100PercentPer15sAndHoldsScaleDownFor300s() {
    HorizontalPodAutoscaler h = hpa(1, 100, HpaBehavior.defaults());
    assertThat(h.reconcile(2, wants(20)).desiredReplicas()).as("max(2+4, 2*2)").isEqualTo(6);
    assertThat(h.reconcile(6, wants(20)).desiredReplicas()).as("within 15 s of +4: period start 2").isEqualTo(6);
    time.advance(Duration.ofSeconds(16));
    assertThat(h.reconcile(6, wants(20)).desiredReplicas()).as("max(6+4, 12)").isEqualTo(12);
    time.advance(Duration.ofSeconds(16));
    assertThat(h.reconcile(12, wants(20)).desiredReplicas()).isEqualTo(20);
    // load drops at 48 s: the 300 s scale-down window holds the last recommendation of 20 (made at 32 s)
    time.advance(Duration.ofSeconds(16));
    assertThat(h.reconcile(20, wants(3)).desiredReplicas()).isEqualTo(20);
    time.advance(Duration.ofSeconds(283)); // 331 s: 32 s is still after the cutoff (31 s)
    assertThat(h.reconcile(20, wants(3)).desiredReplicas()).isEqualTo(20);
    time.advance(Duration.ofSeconds(1)); // 332 s: 32 s is the cutoff itself, which is outside
    HpaDecision d = h.reconcile(20, wants(3));
    assertThat(d.desiredReplicas()).isEqualTo(3);
  }

  @Test
  void selectPolicyMinAndDisabled() {
    HpaScalingRules min = HpaScalingRules.builder().stabilizationWindow(NONE).selectPolicy(SelectPolicy.MIN)
        .policy(ScalingPolicy.pods(4, Duration.ofSeconds(15))).policy(ScalingPolicy.percent(100, Duration.ofSeconds(15)))
        .build();
    assertThat(hpa(1, 100, HpaBehavior.scaleUp(min)).reconcile(10, wants(50)).desiredReplicas()).isEqualTo(14);
    HpaScalingRules off = HpaScalingRules.builder().selectPolicy(SelectPolicy.DISABLED).build();
    assertThat(hpa(1, 100, HpaBehavior.scaleUp(off)).reconcile(10, wants(50)).desiredReplicas()).isEqualTo(10);
    HpaScalingRules downOff = HpaScalingRules.builder().stabilizationWindow(NONE).selectPolicy(SelectPolicy.DISABLED)
        .build();
    assertThat(hpa(1, 100, HpaBehavior.scaleDown(downOff)).reconcile(10, wants(2)).desiredReplicas()).isEqualTo(10);
    HpaScalingRules downMin = HpaScalingRules.builder().stabilizationWindow(NONE).selectPolicy(SelectPolicy.MIN)
        .policy(ScalingPolicy.pods(20, Duration.ofSeconds(60))).policy(ScalingPolicy.percent(1, Duration.ofSeconds(60)))
        .build();
    assertThat(hpa(1, 1000, HpaBehavior.scaleDown(downMin)).reconcile(100, wants(2)).desiredReplicas())
        .as("Min: the smaller change of 1%").isEqualTo(99);
  }

  @Test
  void behaviorToleranceOverridesTheControllerTolerancePerDirection() {
    HpaSpec spec = HpaSpec.builder(100).behavior(HpaBehavior.of(
        HpaScalingRules.builder().tolerance(0.5).build(), HpaScalingRules.builder().stabilizationWindow(NONE).build()))
        .build();
    assertThat(spec.tolerances()).isEqualTo(new Tolerances(0.1, 0.5));
    HorizontalPodAutoscaler h = HorizontalPodAutoscaler.create(spec, time);
    List<MetricInput> plus40 = List.of(MetricInput.pods("m", Target.averageValueMilli(1000),
        List.of(PodSample.ready("a", 1400), PodSample.ready("b", 1400))));
    assertThat(h.reconcile(2, plus40).desiredReplicas()).isEqualTo(2);
  }

  @Test
  void legacyPathTakesTheWindowMaximumThenClampsToTwiceOrFour() {
    HorizontalPodAutoscaler h = HorizontalPodAutoscaler.create(HpaSpec.builder(100).build(), time);
    assertThat(h.reconcile(1, wants(10)).desiredReplicas()).as("max(2*1, 4)").isEqualTo(4);
    HpaDecision d = h.reconcile(3, wants(20));
    assertThat(d.desiredReplicas()).as("2*3").isEqualTo(6);
    assertThat(d.scalingLimitedReason()).isEqualTo("ScaleUpLimit");
    HorizontalPodAutoscaler small = HorizontalPodAutoscaler.create(HpaSpec.builder(5).build(), time);
    assertThat(small.reconcile(4, wants(20)).scalingLimitedReason()).isEqualTo("TooManyReplicas");
  }

  @Test
  void legacyPathHoldsAScaleDownForTheDownscaleStabilizationWindowInclusive() {
    HorizontalPodAutoscaler h = HorizontalPodAutoscaler.create(HpaSpec.builder(100).build(), time);
    assertThat(h.reconcile(5, wants(2)).desiredReplicas()).isEqualTo(5); // the initial recommendation (5) holds
    time.advance(Duration.ofSeconds(300));
    assertThat(h.reconcile(5, wants(2)).desiredReplicas()).as("exactly 300 s: not before the cutoff").isEqualTo(5);
    time.advanceNanos(1);
    assertThat(h.reconcile(5, wants(2)).desiredReplicas()).isEqualTo(2);
  }

  @Test
  void theLargestProposalOfSeveralMetricsWins() {
    HorizontalPodAutoscaler h = HorizontalPodAutoscaler.create(HpaSpec.builder(100).build(), time);
    HpaDecision d = h.reconcile(4, List.of(
        MetricInput.external("queue", Target.averageValue(10), 30_000, 4),
        MetricInput.external("latency", Target.averageValue(1), 7_000, 4)));
    assertThat(d.desiredReplicas()).isEqualTo(7);
    assertThat(d.metric()).isEqualTo("latency");
  }

  @Test
  void invalidMetricsBlockAScaleDownButNotAScaleUp() {
    HorizontalPodAutoscaler h = HorizontalPodAutoscaler.create(HpaSpec.builder(100).build(), time);
    MetricInput broken = new MetricInput.Unavailable("gpu", "unable to fetch metrics");
    HpaDecision up = h.reconcile(4, List.of(broken, MetricInput.external("q", Target.averageValue(1), 6_000, 4)));
    assertThat(up.failed()).isFalse();
    assertThat(up.desiredReplicas()).isEqualTo(6);
    HpaDecision down = h.reconcile(6, List.of(broken, MetricInput.external("q", Target.averageValue(1), 2_000, 6)));
    assertThat(down.failed()).isTrue();
    assertThat(down.desiredReplicas()).isEqualTo(6);
    assertThat(down.error()).contains("1 invalid out of 2").contains("gpu");
    assertThat(h.reconcile(6, List.of(broken)).failed()).isTrue();
  }

  @Test
  void boundsAndDisabledScaling() {
    HorizontalPodAutoscaler h = hpa(2, 10, HpaBehavior.defaults());
    assertThat(h.reconcile(12, wants(12)).desiredReplicas()).isEqualTo(10);
    assertThat(h.reconcile(1, wants(1)).desiredReplicas()).isEqualTo(2);
    HpaDecision off = h.reconcile(0, wants(5));
    assertThat(off.desiredReplicas()).isZero();
    assertThat(off.ableToScaleReason()).isEqualTo("ScalingDisabled");
    HpaDecision floor = hpa(3, 10, HpaBehavior.of(rules(NONE), rules(NONE))).reconcile(5, wants(1));
    assertThat(floor.desiredReplicas()).isEqualTo(3);
    assertThat(floor.scalingLimitedReason()).isEqualTo("TooFewReplicas");
    HpaDecision ceiling = hpa(1, 8, HpaBehavior.of(rules(NONE), rules(NONE))).reconcile(5, wants(9));
    assertThat(ceiling.desiredReplicas()).isEqualTo(8);
    assertThat(ceiling.scalingLimitedReason()).isEqualTo("TooManyReplicas");
  }

  @Test
  void badSpecsAreConfigExceptions() {
    assertThatThrownBy(() -> HpaSpec.builder(0).build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("maxReplicas");
    assertThatThrownBy(() -> HpaSpec.builder(3).minReplicas(5).build()).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> ScalingPolicy.pods(0, Duration.ofSeconds(15))).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> ScalingPolicy.percent(10, Duration.ofMinutes(31))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("periodSeconds");
    assertThatThrownBy(() -> HorizontalPodAutoscaler.create(HpaSpec.builder(3).build(), time).reconcile(1, List.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("metrics");
  }
}
