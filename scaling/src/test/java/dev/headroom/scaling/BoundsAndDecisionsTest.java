package dev.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 19 items 2 and 3: replica bounds and steps on signals, and decision matrices over several rules. */
class BoundsAndDecisionsTest {
  private final VirtualTime time = new VirtualTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT,
      new VirtualMicrometerClock(time));
  private final AtomicReference<Double> queue = new AtomicReference<>(50.0); // neither high nor low
  private final AtomicReference<Double> latency = new AtomicReference<>(0.0);
  private final AtomicReference<Double> errors = new AtomicReference<>(0.0);
  private final AtomicReference<Double> vram = new AtomicReference<>(0.9);
  private final AtomicInteger replicas = new AtomicInteger(3);
  private final List<ScalingSignal> signals = new CopyOnWriteArrayList<>();
  private ScalingAdvisor advisor;

  BoundsAndDecisionsTest() {
    Gauge.builder("app.queue", queue, AtomicReference::get).register(registry);
    Gauge.builder("app.p95", latency, AtomicReference::get).register(registry);
    Gauge.builder("app.errors", errors, AtomicReference::get).register(registry);
    Gauge.builder("gpu.vram.headroom", vram, AtomicReference::get).register(registry);
    Gauge.builder(ScalingMetricNames.CURRENT_REPLICAS, replicas, AtomicInteger::get).tag("service", "app")
        .register(registry);
  }

  @AfterEach
  void close() {
    if (advisor != null) {
      advisor.close();
    }
  }

  private ScalingAdvisor start(ScalingConfig config) {
    advisor = ScalingAdvisor.builder(config, registry).clock(time).sampleInterval(Duration.ofSeconds(1))
        .listener(signals::add).build().start();
    time.runDue();
    return advisor;
  }

  private static ScalingRule rule(String name, String gauge, double above, ScaleDirection direction) {
    return ScalingRule.builder(name).service("app").metric(MetricSource.gauge(gauge)).above(above)
        .direction(direction).build();
  }

  private static ScalingRule below(String name, String gauge, double below) {
    return ScalingRule.builder(name).service("app").metric(MetricSource.gauge(gauge)).below(below).build();
  }

  @Test
  void aRuleSignalCarriesTheCurrentCountMovedOneStepWithinTheBounds() {
    start(ScalingConfig.builder()
        .service(ServiceBounds.builder("app").replicas(2, 6).stepUp(2).stepDown(1).build())
        .rule(ScalingRule.builder("queue-high").service("app").metric(MetricSource.gauge("app.queue")).above(100)
            .cooldown(Duration.ofMinutes(1)).build())
        .rule(below("queue-low", "app.queue", 20))
        .build());

    queue.set(150.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).singleElement().satisfies(s -> {
      assertThat(s.direction()).isEqualTo(ScaleDirection.UP);
      assertThat(s.targetReplicas()).as("3 + 2").hasValue(5);
    });
    assertThat(registry.get(ScalingMetricNames.DESIRED_REPLICAS).tag("service", "app").gauge().value())
        .isEqualTo(5.0);

    replicas.set(5);
    time.advance(Duration.ofMinutes(1));
    assertThat(signals).hasSize(2);
    assertThat(signals.get(1).targetReplicas()).as("5 + 2 clamped to the maximum of 6").hasValue(6);

    replicas.set(6);
    time.advance(Duration.ofMinutes(1));
    assertThat(signals).as("already at the maximum: nothing to ask for").hasSize(2);
    assertThat(advisor.state().rule("queue-high").orElseThrow().heldBackBy()).contains("at-max-replicas");

    replicas.set(2);
    queue.set(5.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).as("at the minimum of 2: a scale-down is held back").hasSize(2);
    assertThat(advisor.state().rule("queue-low").orElseThrow().heldBackBy()).contains("at-min-replicas");

    replicas.set(4);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).hasSize(3);
    assertThat(signals.get(2).direction()).isEqualTo(ScaleDirection.DOWN);
    assertThat(signals.get(2).targetReplicas()).as("4 - 1").hasValue(3);
  }

  @Test
  void theScalingLagRunsFromTheSignalToTheSampleThatSeesTheTargetReached() {
    SimpleMeterRegistry export = new SimpleMeterRegistry(SimpleConfig.DEFAULT, new VirtualMicrometerClock(time));
    AtomicInteger deployment = new AtomicInteger(3);
    advisor = ScalingAdvisor.builder(ScalingConfig.builder()
            .service(ServiceBounds.builder("app").replicas(2, 10).stepUp(2).build())
            .rule(rule("queue-high", "app.queue", 100, ScaleDirection.UP)).build(), registry)
        .clock(time).sampleInterval(Duration.ofSeconds(1)).exportMetricsTo(export)
        .replicaCounts(service -> java.util.OptionalInt.of(deployment.get()))
        .listener(signals::add).build().start();
    time.runDue();
    assertThat(export.get(ScalingMetricNames.CURRENT_REPLICAS).tag("service", "app").gauge().value())
        .as("counts read from a function are exported").isEqualTo(3.0);

    queue.set(150.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).singleElement().satisfies(s -> assertThat(s.targetReplicas()).hasValue(5));
    time.advance(Duration.ofSeconds(60));
    deployment.set(4); // on its way, not there yet
    time.advance(Duration.ofSeconds(29));
    assertThat(export.find(ScalingMetricNames.LAG).timer()).isNull();
    deployment.set(5);
    time.advance(Duration.ofSeconds(1));
    io.micrometer.core.instrument.Timer lag = export.get(ScalingMetricNames.LAG).tag("service", "app")
        .tag("direction", "up").timer();
    assertThat(lag.count()).isEqualTo(1);
    assertThat(lag.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(90.0);
    assertThat(export.get(ScalingMetricNames.CURRENT_REPLICAS).tag("service", "app").gauge().value()).isEqualTo(5.0);
  }

  @Test
  void withTheAppsOwnGaugeTheAdvisorRegistersNoSecondOneAndLeavesItOnClose() {
    start(ScalingConfig.builder().service(ServiceBounds.builder("app").replicas(2, 10).build())
        .rule(rule("queue-high", "app.queue", 100, ScaleDirection.UP)).build());
    advisor.close();
    assertThat(registry.find(ScalingMetricNames.CURRENT_REPLICAS).gauges()).hasSize(1);
  }

  @Test
  void percentStepsRoundUpAndTakeAtLeastOneReplica() {
    ServiceBounds bounds = ServiceBounds.builder("app").replicas(1, 100).stepUpPercent(50).stepDownPercent(10).build();
    assertThat(bounds.target(ScaleDirection.UP, 3)).as("3 + ceil(1.5)").isEqualTo(5);
    assertThat(bounds.target(ScaleDirection.UP, 1)).isEqualTo(2);
    assertThat(bounds.target(ScaleDirection.DOWN, 30)).isEqualTo(27);
    assertThat(bounds.target(ScaleDirection.DOWN, 4)).as("ceil(0.4) = 1").isEqualTo(3);
    assertThat(bounds.target(ScaleDirection.UP, 90)).as("clamped").isEqualTo(100);
  }

  @Test
  void withoutAKnownCurrentCountARuleSignalsItsDirectionWithoutATarget() {
    advisor = ScalingAdvisor.builder(ScalingConfig.builder()
            .service(ServiceBounds.builder("app").replicas(2, 6).build())
            .rule(rule("queue-high", "app.queue", 100, ScaleDirection.UP)).build(), registry)
        .clock(time).replicaCounts(ReplicaCounts.unknown()).listener(signals::add).build().start();
    queue.set(150.0);
    time.advance(Duration.ofSeconds(10));
    assertThat(signals).singleElement().satisfies(s -> assertThat(s.targetReplicas()).isEmpty());
  }

  /** Seed 002's matrix shape: a pair of conditions decides, one row holds, "scale up only" rows never go down. */
  private ScalingConfig matrix() {
    return ScalingConfig.builder()
        .service(ServiceBounds.builder("app").replicas(2, 10).stepUp(2).stepDown(1).build())
        .rule(rule("traffic-high", "app.queue", 100, ScaleDirection.UP))
        .rule(below("traffic-low", "app.queue", 20))
        .rule(rule("latency-high", "app.p95", 2, ScaleDirection.UP))
        .rule(rule("errors-high", "app.errors", 0.05, ScaleDirection.UP))
        .decision(ScalingDecision.builder("high-traffic-high-latency").service("app")
            .when("traffic-high", "latency-high").action(ScalingDecision.Action.UP).priority(10).build())
        .decision(ScalingDecision.builder("high-traffic-low-latency").service("app")
            .when("traffic-high").unless("latency-high").action(ScalingDecision.Action.HOLD).priority(5).build())
        .decision(ScalingDecision.builder("low-traffic").service("app")
            .when("traffic-low").unless("errors-high").action(ScalingDecision.Action.DOWN).build())
        .decision(ScalingDecision.builder("errors-scale-up-only").service("app")
            .when("errors-high").action(ScalingDecision.Action.UP).priority(20).build())
        .build();
  }

  @Test
  void aPairOfConditionsScalesUpWhereEitherAloneDoesNot() {
    start(matrix());

    queue.set(150.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).as("high traffic with low latency: the matrix says hold").isEmpty();
    assertThat(advisor.state().winningDecision("app")).map(DecisionStatus::decision)
        .contains("high-traffic-low-latency");
    assertThat(advisor.state().rule("traffic-high").orElseThrow().heldBackBy())
        .as("a rule a decision names does not signal alone").contains("decisions");

    latency.set(3.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).singleElement().satisfies(s -> {
      assertThat(s.kind()).isEqualTo(ScalingSignal.Kind.DECISION);
      assertThat(s.rule()).isEqualTo("high-traffic-high-latency");
      assertThat(s.metric()).isEqualTo("traffic-high + latency-high");
      assertThat(s.direction()).isEqualTo(ScaleDirection.UP);
      assertThat(s.targetReplicas()).hasValue(5);
    });
    assertThat(registry.get(ScalingMetricNames.DECISION_ACTIVE).tag("decision", "high-traffic-high-latency")
        .gauge().value()).isEqualTo(1.0);
    assertThat(registry.get(ScalingMetricNames.DECISION_ACTIVE).tag("decision", "high-traffic-low-latency")
        .gauge().value()).isZero();

    time.advance(Duration.ofMinutes(5));
    assertThat(signals).as("no cooldown: once per episode").hasSize(1);
  }

  @Test
  void theHighestPriorityMatchWinsAndAScaleUpOnlyRowKeepsTheServiceFromScalingDown() {
    start(matrix());
    queue.set(5.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).singleElement().satisfies(s -> {
      assertThat(s.rule()).isEqualTo("low-traffic");
      assertThat(s.direction()).isEqualTo(ScaleDirection.DOWN);
      assertThat(s.targetReplicas()).hasValue(2);
    });

    errors.set(0.2);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).hasSize(2);
    assertThat(signals.get(1).rule()).isEqualTo("errors-scale-up-only");
    assertThat(signals.get(1).direction()).isEqualTo(ScaleDirection.UP);
    assertThat(advisor.state().winningDecision("app")).map(DecisionStatus::decision).contains("errors-scale-up-only");

    errors.set(0.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).as("low traffic again: a new episode of the down row").hasSize(3);
    assertThat(signals.get(2).rule()).isEqualTo("low-traffic");
  }

  @Test
  void aVetoHoldsADecisionBackAndItSignalsWhenTheVetoEnds() {
    start(ScalingConfig.builder()
        .rule(rule("traffic-high", "app.queue", 100, ScaleDirection.UP))
        .rule(rule("latency-high", "app.p95", 2, ScaleDirection.UP))
        .veto(VetoRule.builder("vram").metric(MetricSource.gauge("gpu.vram.headroom")).below(0.2).build())
        .decision(ScalingDecision.builder("both").service("app").when("traffic-high", "latency-high")
            .action(ScalingDecision.Action.UP).build())
        .build());
    vram.set(0.1);
    queue.set(150.0);
    latency.set(3.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).isEmpty();
    assertThat(advisor.state().decisions()).singleElement()
        .satisfies(d -> assertThat(d.heldBackBy()).isEqualTo("veto:vram"));
    assertThat(advisor.state().toMap()).containsKey("decisions");

    vram.set(0.5);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).singleElement().satisfies(s -> assertThat(s.targetReplicas()).as("no bounds").isEmpty());
  }

  @Test
  void theFileFormatCarriesServicesAndDecisions() {
    ScalingConfig config = ScalingConfig.fromYaml("""
        services:
          app: {minReplicas: 2, maxReplicas: 10, stepUp: 50%, stepDown: 1}
        rules:
          - {name: traffic-high, service: app, metric: {gauge: app.queue}, above: 100}
          - {name: latency-high, service: app, metric: {gauge: app.p95}, above: 2s}
        decisions:
          - name: both
            service: app
            when: [traffic-high, latency-high]
            action: up
            priority: 3
            cooldown: 3m
        """);
    ServiceBounds app = config.bounds("app").orElseThrow();
    assertThat(app.min()).isEqualTo(2);
    assertThat(app.max()).isEqualTo(10);
    assertThat(app.step(ScaleDirection.UP, 4)).isEqualTo(2);
    assertThat(app.step(ScaleDirection.DOWN, 4)).isEqualTo(1);
    ScalingDecision both = config.decisions().get(0);
    assertThat(both.when()).containsExactly("traffic-high", "latency-high");
    assertThat(both.action()).isEqualTo(ScalingDecision.Action.UP);
    assertThat(both.priority()).isEqualTo(3);
    assertThat(both.cooldown()).isEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void badDecisionsAndBoundsAreNamed() {
    assertThatThrownBy(() -> ScalingConfig.fromYaml("""
        rules:
          - {name: a, service: app, metric: {gauge: x}, above: 1}
        decisions:
          - {name: d, service: app, when: [a, nope], action: up}
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("when").hasMessageContaining("nope");
    assertThatThrownBy(() -> ScalingConfig.fromYaml("""
        rules:
          - {name: a, service: worker, metric: {gauge: x}, above: 1}
        decisions:
          - {name: d, service: app, when: [a], action: up}
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("must scale the decision's service 'app'");
    assertThatThrownBy(() -> ScalingConfig.fromYaml("""
        rules:
          - {name: a, service: app, metric: {gauge: x}, above: 1}
        decisions:
          - {name: d, service: app, when: [a], action: sideways}
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("decisions[0].action")
        .hasMessageContaining("must be up, down or hold");
    assertThatThrownBy(() -> ScalingConfig.fromYaml("""
        services:
          app: {minReplicas: 5, maxReplicas: 3}
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("maxReplicas");
    assertThatThrownBy(() -> ScalingConfig.fromYaml("""
        services:
          app: {stepUp: lots}
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("services.app.stepUp");
    assertThatThrownBy(() -> ScalingConfig.builder()
        .service(ServiceBounds.builder("app").replicas(2, 10).build())
        .schedule(ScalingSchedule.builder("night").service("app")
            .between(java.time.LocalTime.of(1, 0), java.time.LocalTime.of(6, 0)).scaleDownTo(1).build())
        .build()).isInstanceOf(ConfigException.class).hasMessageContaining("schedule 'night'")
        .hasMessageContaining("[2, 10]");
  }
}
