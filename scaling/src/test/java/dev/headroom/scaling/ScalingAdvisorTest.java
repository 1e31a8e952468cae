package dev.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScalingAdvisorTest {
  private final VirtualTime time = new VirtualTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT,
      new VirtualMicrometerClock(time));
  private final AtomicReference<Double> depth = new AtomicReference<>(0.0);
  private final AtomicReference<Double> vram = new AtomicReference<>(0.9);
  private final List<ScalingSignal> signals = new CopyOnWriteArrayList<>();
  private ScalingAdvisor advisor;

  ScalingAdvisorTest() {
    Gauge.builder("headroom.queue.depth", depth, AtomicReference::get).tag("pool", "tasks").register(registry);
    Gauge.builder("gpu.vram.headroom", vram, AtomicReference::get).tag("gpu", "0").register(registry);
  }

  @AfterEach
  void close() {
    if (advisor != null) {
      advisor.close();
    }
  }

  private ScalingAdvisor start(ScalingConfig.Builder config) {
    advisor = ScalingAdvisor.builder(config.sampleInterval(Duration.ofSeconds(1)).build(), registry)
        .clock(time)
        .listener(signals::add)
        .build()
        .start();
    time.runDue();
    return advisor;
  }

  private static ScalingRule.Builder queueRule(String name) {
    return ScalingRule.builder(name).service("app").metric(MetricSource.gauge("headroom.queue.depth", "pool", "tasks"));
  }

  @Test
  void aRuleWithForThreeMinutesFiresAt3And0NotAt2And59() {
    depth.set(60.0);
    start(ScalingConfig.builder().rule(queueRule("queue-high").above(50).forDuration(Duration.ofMinutes(3)).build()));
    time.advance(Duration.ofSeconds(179));
    assertThat(signals).isEmpty();
    assertThat(advisor.state().rule("queue-high").orElseThrow().phase()).isEqualTo(RuleStatus.Phase.PENDING);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).hasSize(1);
    ScalingSignal s = signals.get(0);
    assertThat(s.service()).isEqualTo("app");
    assertThat(s.direction()).isEqualTo(ScaleDirection.UP);
    assertThat(s.severity()).isEqualTo(Severity.WARNING);
    assertThat(s.rule()).isEqualTo("queue-high");
    assertThat(s.value()).isEqualTo(60.0);
    assertThat(s.threshold()).isEqualTo(50.0);
    assertThat(s.since()).isEqualTo(Instant.EPOCH);
    assertThat(s.at()).isEqualTo(Instant.EPOCH.plusSeconds(180));
    assertThat(s.kind()).isEqualTo(ScalingSignal.Kind.RULE);
    assertThat(advisor.state().firing()).extracting(RuleStatus::rule).containsExactly("queue-high");
  }

  @Test
  void aDipBelowTheThresholdRestartsTheForDuration() {
    depth.set(60.0);
    start(ScalingConfig.builder().rule(queueRule("queue-high").above(50).forDuration(Duration.ofMinutes(3)).build()));
    time.advance(Duration.ofSeconds(100));
    depth.set(40.0);
    time.advance(Duration.ofSeconds(1)); // the sample at 101 s sees 40
    depth.set(60.0); // first seen at 102 s
    time.advance(Duration.ofSeconds(180));
    assertThat(signals).isEmpty();
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).hasSize(1);
    assertThat(signals.get(0).since()).isEqualTo(Instant.EPOCH.plusSeconds(102));
  }

  @Test
  void cooldownSuppressesASecondSignalThenRepeatsWhileTheRuleStillFires() {
    depth.set(60.0);
    start(ScalingConfig.builder().rule(queueRule("queue-high").above(50).cooldown(Duration.ofMinutes(10)).build()));
    assertThat(signals).hasSize(1);
    time.advance(Duration.ofMinutes(1));
    depth.set(20.0); // clears
    time.advance(Duration.ofMinutes(1));
    depth.set(70.0); // fires again at 2:01, inside the cooldown
    time.advance(Duration.ofMinutes(1));
    assertThat(signals).hasSize(1);
    RuleStatus status = advisor.state().rule("queue-high").orElseThrow();
    assertThat(status.firing()).isTrue();
    assertThat(status.heldBackBy()).contains("cooldown");
    time.advance(Duration.ofMinutes(7)); // 10:00 after the first signal
    assertThat(signals).hasSize(2);
    assertThat(signals.get(1).at()).isEqualTo(Instant.EPOCH.plus(Duration.ofMinutes(10)));
    time.advance(Duration.ofMinutes(10));
    assertThat(signals).as("repeats every cooldown while it fires").hasSize(3);
  }

  @Test
  void withoutACooldownARuleSignalsOncePerEpisode() {
    depth.set(60.0);
    start(ScalingConfig.builder().rule(queueRule("queue-high").above(50).build()));
    time.advance(Duration.ofMinutes(30));
    assertThat(signals).hasSize(1);
    depth.set(10.0);
    time.advance(Duration.ofSeconds(1));
    depth.set(60.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).hasSize(2);
  }

  @Test
  void aVetoSuppressesScaleUpUntilItClears() {
    vram.set(0.1);
    depth.set(60.0);
    start(ScalingConfig.builder()
        .rule(queueRule("queue-high").above(50).build())
        .rule(queueRule("queue-low").below(100).direction(ScaleDirection.DOWN).build())
        .veto(VetoRule.builder("vram").metric(MetricSource.gauge("gpu.vram.headroom").aggregate(
            MetricSource.Aggregation.MIN)).below(0.2).build()));
    assertThat(signals).extracting(ScalingSignal::rule).containsExactly("queue-low");
    time.advance(Duration.ofMinutes(5));
    assertThat(signals).hasSize(1);
    assertThat(advisor.state().rule("queue-high").orElseThrow().heldBackBy()).contains("veto:vram");
    assertThat(advisor.state().activeVetoes()).extracting(VetoStatus::veto).containsExactly("vram");
    vram.set(0.5);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).extracting(ScalingSignal::rule).containsExactly("queue-low", "queue-high");
    assertThat(signals.get(1).since()).as("held since the start, vetoed meanwhile").isEqualTo(Instant.EPOCH);
  }

  @Test
  void aVetoForOtherServicesDoesNotBlock() {
    vram.set(0.1);
    depth.set(60.0);
    start(ScalingConfig.builder().rule(queueRule("queue-high").above(50).build())
        .veto(VetoRule.builder("vram").services("worker-llm").metric(MetricSource.gauge("gpu.vram.headroom"))
            .below(0.2).build()));
    assertThat(signals).hasSize(1);
  }

  @Test
  void hysteresisKeepsTheRuleFiringUntilTheValueFallsBackFarEnough() {
    depth.set(60.0);
    start(ScalingConfig.builder().rule(queueRule("queue-high").above(50).hysteresis(10).build()));
    depth.set(45.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(advisor.state().rule("queue-high").orElseThrow().firing()).isTrue();
    depth.set(40.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(advisor.state().rule("queue-high").orElseThrow().phase()).isEqualTo(RuleStatus.Phase.OK);
  }

  @Test
  void escalatingToCriticalSignalsAtOnceEvenWithinTheCooldown() {
    depth.set(120.0);
    start(ScalingConfig.builder().rule(queueRule("embedding").above(100, 500).cooldown(Duration.ofMinutes(5))
        .build()));
    depth.set(600.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(signals).extracting(ScalingSignal::severity).containsExactly(Severity.WARNING, Severity.CRITICAL);
    assertThat(signals.get(1).threshold()).isEqualTo(500.0);
    assertThat(registry.get(ScalingMetricNames.RULE_STATE).tag("rule", "embedding").gauge().value()).isEqualTo(2.0);
    assertThat(registry.get(ScalingMetricNames.SIGNALS).tags("rule", "embedding", "severity", "critical").counter()
        .count()).isEqualTo(1.0);
  }

  @Test
  void anErrorRateRatioFiresAfterTwoMinutesAboveFivePercent() {
    Counter ok = Counter.builder("headroom.requests").tags("pool", "tasks", "outcome", "success").register(registry);
    Counter failed = Counter.builder("headroom.requests").tags("pool", "tasks", "outcome", "failure")
        .register(registry);
    start(ScalingConfig.builder().rule(ScalingRule.builder("errors").service("app")
        .metric(MetricSource.ratio(MeterQuery.of("headroom.requests", "pool", "tasks", "outcome", "failure"),
            MeterQuery.of("headroom.requests", "pool", "tasks")))
        .above(0.05).forDuration(Duration.ofMinutes(2)).build()));
    for (int second = 0; second < 230; second++) {
      ok.increment(second < 60 ? 100 : 90); // 0% errors for a minute, then 10%
      failed.increment(second < 60 ? 0 : 10);
      time.advance(Duration.ofSeconds(1));
    }
    assertThat(signals).hasSize(1);
    // the sample at t counts the seconds t-60..t-1; 10% failures from second 60 on put more than 5% into the
    // 1-minute window once 31 of its seconds are failing, at t = 91 s; it fires 2 minutes later
    assertThat(signals.get(0).since()).isEqualTo(Instant.EPOCH.plusSeconds(91));
    assertThat(signals.get(0).at()).isEqualTo(Instant.EPOCH.plusSeconds(211));
    assertThat(signals.get(0).value()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void aTimerPercentileReadsThePublishedPercentile() {
    Timer timer = Timer.builder("headroom.latency").tag("pool", "backend").publishPercentiles(0.95).register(registry);
    for (int i = 0; i < 100; i++) {
      timer.record(i < 90 ? 100 : 3000, TimeUnit.MILLISECONDS);
    }
    start(ScalingConfig.builder().rule(ScalingRule.builder("latency").service("backend")
        .metric(MetricSource.percentile("headroom.latency", 0.95, "pool", "backend"))
        .above(Duration.ofMillis(500), Duration.ofSeconds(2)).build()));
    assertThat(signals).extracting(ScalingSignal::severity).containsExactly(Severity.CRITICAL);
    assertThat(signals.get(0).value()).isBetween(2.9, 3.1);
  }

  @Test
  void aScheduleAppliesInItsHoursOnly() {
    Instant monday = Instant.parse("2025-03-03T00:00:00Z");
    VirtualTime day = new VirtualTime(monday.getEpochSecond() * 1_000_000_000L);
    advisor = ScalingAdvisor.builder(ScalingConfig.builder().sampleInterval(Duration.ofMinutes(1))
            .schedule(ScalingSchedule.builder("off-peak").service("app")
                .between(java.time.LocalTime.of(1, 0), java.time.LocalTime.of(6, 0)).scaleDownTo(1).build())
            .build(), registry)
        .clock(day).zone(java.time.ZoneId.of("Europe/Berlin")).listener(signals::add).build().start();
    day.runDue(); // 01:00 in Berlin (UTC+1): the window opened at 00:00Z exactly
    assertThat(signals).hasSize(1);
    ScalingSignal s = signals.get(0);
    assertThat(s.kind()).isEqualTo(ScalingSignal.Kind.SCHEDULE);
    assertThat(s.direction()).isEqualTo(ScaleDirection.DOWN);
    assertThat(s.targetReplicas()).hasValue(1);
    assertThat(s.since()).isEqualTo(monday);
    day.advance(Duration.ofHours(4).plusMinutes(59)); // 05:59 Berlin
    assertThat(advisor.state().activeSchedules()).hasSize(1);
    day.advance(Duration.ofMinutes(1)); // 06:00 Berlin
    assertThat(advisor.state().activeSchedules()).isEmpty();
    day.advance(Duration.ofHours(18).plusMinutes(59)); // 00:59 Tuesday
    assertThat(signals).hasSize(1);
    day.advance(Duration.ofMinutes(1)); // 01:00 Tuesday
    assertThat(signals).hasSize(2);
    assertThat(signals.get(1).since()).isEqualTo(monday.plus(Duration.ofDays(1)));
  }

  @Test
  void stateIsAPlainMapForAnInfoEndpoint() {
    depth.set(60.0);
    start(ScalingConfig.builder().rule(queueRule("queue-high").above(50).build())
        .veto(VetoRule.builder("vram").metric(MetricSource.gauge("gpu.vram.headroom")).below(0.2).build()));
    var map = advisor.state().toMap();
    assertThat(map.get("firing")).isEqualTo(List.of("queue-high"));
    assertThat(map.get("at")).isEqualTo(Instant.EPOCH.toString());
    @SuppressWarnings("unchecked")
    var rules = (List<java.util.Map<String, Object>>) map.get("rules");
    assertThat(rules.get(0)).containsEntry("phase", "FIRING").containsEntry("severity", "warning")
        .containsEntry("value", 60.0).containsEntry("direction", "up");
  }

  @Test
  void aFailingListenerDoesNotStopTheOthersOrTheSampling() {
    depth.set(60.0);
    List<ScalingSignal> second = new CopyOnWriteArrayList<>();
    advisor = ScalingAdvisor.builder(ScalingConfig.builder().sampleInterval(Duration.ofSeconds(1))
            .rule(queueRule("queue-high").above(50).build()).build(), registry)
        .clock(time)
        .listener(s -> {
          throw new IllegalStateException("boom");
        })
        .listener(second::add)
        .build().start();
    time.runDue();
    assertThat(second).hasSize(1);
    depth.set(0.0);
    time.advance(Duration.ofSeconds(1));
    assertThat(advisor.state().rule("queue-high").orElseThrow().phase()).isEqualTo(RuleStatus.Phase.OK);
  }

  @Test
  void missingMetersMeanNoValueAndNoSignal() {
    start(ScalingConfig.builder().rule(ScalingRule.builder("ghost").service("x")
        .metric(MetricSource.gauge("not.registered")).below(5).build()));
    time.advance(Duration.ofMinutes(1));
    assertThat(signals).isEmpty();
    assertThat(advisor.state().rule("ghost").orElseThrow().value()).isEmpty();
  }

  @Test
  void closeStopsSamplingAndRemovesTheAdvisorsMeters() {
    depth.set(60.0);
    start(ScalingConfig.builder().rule(queueRule("queue-high").above(50).build()));
    assertThat(registry.find(ScalingMetricNames.RULE_STATE).gauge()).isNotNull();
    advisor.close();
    assertThat(time.pendingTasks()).isZero();
    assertThat(registry.find(ScalingMetricNames.RULE_STATE).gauge()).isNull();
    depth.set(0.0);
    time.advance(Duration.ofMinutes(1));
    assertThat(advisor.state().rule("queue-high").orElseThrow().firing()).isTrue();
  }

  @Test
  void evaluateNowSamplesOutsideTheSchedule() {
    depth.set(60.0);
    advisor = ScalingAdvisor.builder(ScalingConfig.builder().rule(queueRule("q").above(50).build()).build(), registry)
        .clock(time).noMetrics().build();
    assertThat(advisor.evaluateNow()).hasSize(1);
    assertThat(registry.find(ScalingMetricNames.RULE_STATE).gauge()).isNull();
  }
}
