package dev.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The example files shipped in docs/scaling/ load, and fire as their tables say on synthetic meter series, read
 * from a Prometheus registry (cumulative histograms, as in production) on virtual time.
 */
class SeedExamplesTest {
  static final Path EXAMPLES = Path.of(System.getProperty("basedir", ".")).resolve("../docs/scaling").normalize();

  private final List<ScalingSignal> signals = new CopyOnWriteArrayList<>();

  private static MeterRegistry registry(VirtualTime time) {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(),
        new VirtualMicrometerClock(time));
  }

  private ScalingAdvisor advisor(String file, MeterRegistry registry, VirtualTime time) {
    ScalingConfig config = ScalingConfig.load(EXAMPLES.resolve(file));
    ScalingAdvisor advisor = ScalingAdvisor.builder(config, registry).clock(time).listener(signals::add).build().start();
    time.runDue(); // the first sample
    return advisor;
  }

  /** Runs {@code seconds} of virtual time, recording {@code perSecond} latencies of {@code latency} each second. */
  private static void run(VirtualTime time, int seconds, Timer timer, int perSecond, Duration latency) {
    for (int s = 0; s < seconds; s++) {
      for (int i = 0; i < perSecond; i++) {
        timer.record(latency);
      }
      time.advance(Duration.ofSeconds(1));
    }
  }

  private List<String> fired() {
    return signals.stream().map(s -> s.rule() + ":" + s.severity().tag() + ":" + s.direction().tag()).toList();
  }

  @Test
  void seed000ApiLatencyAndEmbeddingQueueTriggers() {
    VirtualTime time = new VirtualTime();
    MeterRegistry registry = registry(time);
    Timer backend = Timer.builder("headroom.latency").tag("pool", "backend").tag("endpoint", "b1")
        .publishPercentileHistogram().register(registry);
    AtomicReference<Double> embedding = new AtomicReference<>(30.0);
    Gauge.builder("headroom.queue.depth", embedding, AtomicReference::get).tag("pool", "embedding")
        .register(registry);
    ScalingAdvisor advisor = advisor("seed-000-triggers.yaml", registry, time);
    assertThat(advisor.config().rules()).extracting(ScalingRule::name)
        .containsExactly("api-response-time", "embedding-queue-depth");

    run(time, 300, backend, 20, Duration.ofMillis(120)); // calm: p95 ~0.12 s, 30 waiting
    assertThat(signals).isEmpty();
    assertThat(advisor.state().rule("api-response-time").orElseThrow().value().getAsDouble()).isBetween(0.1, 0.15);

    run(time, 150, backend, 20, Duration.ofMillis(800)); // slow: p95 over 500 ms, held for the 1-minute "for"
    assertThat(fired()).containsExactly("api-response-time:warning:up");
    ScalingSignal warning = signals.get(0);
    assertThat(warning.service()).isEqualTo("backend");
    assertThat(warning.value()).isBetween(0.5, 0.9);
    assertThat(Duration.between(warning.since(), warning.at())).isEqualTo(Duration.ofMinutes(1));
    assertThat(warning.since()).isBetween(Instant.EPOCH.plusSeconds(300), Instant.EPOCH.plusSeconds(310));

    run(time, 150, backend, 20, Duration.ofSeconds(3)); // very slow: p95 over 2 s -> critical (despite the cooldown)
    assertThat(fired()).containsExactly("api-response-time:warning:up", "api-response-time:critical:up");
    assertThat(signals.get(1).value()).isGreaterThan(2.0);

    embedding.set(150.0); // > 100 for the rule's 30 s
    run(time, 40, backend, 20, Duration.ofSeconds(3));
    assertThat(fired()).contains("embedding-queue-depth:warning:up");
    embedding.set(600.0); // > 500
    run(time, 40, backend, 20, Duration.ofSeconds(3));
    assertThat(fired()).contains("embedding-queue-depth:critical:up");
    assertThat(signals.stream().filter(s -> s.rule().equals("embedding-queue-depth")))
        .allMatch(s -> s.service().equals("npu-worker"));
    advisor.close();
  }

  /** Seed 002's app table, row by row, with the seed's numbers written out here (never read back from the file). */
  @Test
  void seed002AppTableRowsCarryTheSeedsNumbers() {
    ScalingConfig config = ScalingConfig.load(EXAMPLES.resolve("seed-002-app.yaml"));
    assertThat(config.rules()).extracting(ScalingRule::name)
        .containsExactly("task-queue-high", "task-queue-low", "p95-latency-high", "p95-latency-low", "error-rate");

    // seed 002: "Request Queue | >100 requests | <20 requests | 3 minutes" (the last column is the cooldown)
    ScalingRule queueHigh = config.rule("task-queue-high").orElseThrow();
    assertThat(queueHigh.service()).isEqualTo("app");
    assertThat(queueHigh.comparison()).isEqualTo(Comparison.ABOVE);
    assertThat(queueHigh.warning()).isEqualTo(100);
    assertThat(queueHigh.direction()).isEqualTo(ScaleDirection.UP);
    assertThat(queueHigh.forDuration()).isEqualTo(Duration.ZERO);
    assertThat(queueHigh.cooldown()).isEqualTo(Duration.ofMinutes(3));
    ScalingRule queueLow = config.rule("task-queue-low").orElseThrow();
    assertThat(queueLow.service()).isEqualTo("app");
    assertThat(queueLow.comparison()).isEqualTo(Comparison.BELOW);
    assertThat(queueLow.warning()).isEqualTo(20);
    assertThat(queueLow.direction()).isEqualTo(ScaleDirection.DOWN);
    assertThat(queueLow.forDuration()).isEqualTo(Duration.ZERO);
    assertThat(queueLow.cooldown()).isEqualTo(Duration.ofMinutes(3));

    // seed 002: p95 latency ">2 seconds for 5 minutes | <0.5 seconds for 15 minutes"
    ScalingRule p95High = config.rule("p95-latency-high").orElseThrow();
    assertThat(p95High.service()).isEqualTo("app");
    assertThat(p95High.metric()).isInstanceOf(MetricSource.Percentile.class);
    assertThat(((MetricSource.Percentile) p95High.metric()).percentile()).isEqualTo(0.95);
    assertThat(p95High.comparison()).isEqualTo(Comparison.ABOVE);
    assertThat(p95High.warning()).isEqualTo(2.0); // seconds
    assertThat(p95High.forDuration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p95High.direction()).isEqualTo(ScaleDirection.UP);
    ScalingRule p95Low = config.rule("p95-latency-low").orElseThrow();
    assertThat(((MetricSource.Percentile) p95Low.metric()).percentile()).isEqualTo(0.95);
    assertThat(p95Low.comparison()).isEqualTo(Comparison.BELOW);
    assertThat(p95Low.warning()).isEqualTo(0.5); // seconds
    assertThat(p95Low.forDuration()).isEqualTo(Duration.ofMinutes(15));
    assertThat(p95Low.direction()).isEqualTo(ScaleDirection.DOWN);

    // seed 002: the app's minimum is 2 replicas, and its decision matrix puts no VRAM veto on the app
    ScalingSchedule night = config.schedules().stream().filter(s -> s.name().equals("off-peak-night")).findFirst()
        .orElseThrow();
    assertThat(night.direction()).isEqualTo(ScaleDirection.DOWN);
    assertThat(night.replicas()).isEqualTo(2);
    assertThat(config.bounds("app").orElseThrow().min()).isEqualTo(2);
    assertThat(config.vetoes()).noneMatch(v -> v.appliesTo("app"));
  }

  @Test
  void seed002AppTableQueueP95ErrorRateAndOffPeakSchedulesFire() {
    Instant mondayNoon = Instant.parse("2025-03-03T12:00:00Z");
    VirtualTime time = new VirtualTime(mondayNoon.getEpochSecond() * 1_000_000_000L);
    MeterRegistry registry = registry(time);
    AtomicReference<Double> tasks = new AtomicReference<>(120.0);
    Gauge.builder("headroom.queue.depth", tasks, AtomicReference::get).tag("pool", "tasks").register(registry);
    // a GPU with 10% VRAM headroom: seed 002's matrix leaves the app alone, so nothing here may hold the app back
    Gauge.builder("gpu.vram.headroom", () -> 0.1).tag("gpu", "0").register(registry);
    Timer requests = Timer.builder("http.server.requests").tag("uri", "/chat").publishPercentileHistogram()
        .register(registry);
    Counter ok = Counter.builder("headroom.requests").tags("pool", "tasks", "outcome", "success").register(registry);
    Counter failed = Counter.builder("headroom.requests").tags("pool", "tasks", "outcome", "failure")
        .register(registry);
    ScalingAdvisor advisor = advisor("seed-002-app.yaml", registry, time);

    // 12:00 Monday: business hours (at least 3 replicas) and more than 100 requests queued
    assertThat(fired()).containsExactly("business-hours:info:up", "task-queue-high:warning:up");
    assertThat(signals.get(0).targetReplicas()).hasValue(3);
    // still > 100: asks again after the 3-minute cooldown, not before
    time.advance(Duration.ofSeconds(170));
    assertThat(fired()).hasSize(2);
    time.advance(Duration.ofSeconds(10));
    assertThat(fired()).last().isEqualTo("task-queue-high:warning:up");
    assertThat(signals.get(2).at()).isEqualTo(mondayNoon.plus(Duration.ofMinutes(3)));

    // 60 queued (between 20 and 100): quiet; 10 queued (< 20): down at the next sample
    tasks.set(60.0);
    time.advance(Duration.ofSeconds(190));
    assertThat(fired()).hasSize(3);
    tasks.set(10.0);
    time.advance(Duration.ofSeconds(10));
    assertThat(fired()).last().isEqualTo("task-queue-low:warning:down");
    tasks.set(60.0);

    // p95 3 s: up once it has held for 5 minutes (not 4:50)
    run(time, 300, requests, 20, Duration.ofSeconds(3));
    assertThat(fired()).doesNotContain("p95-latency-high:warning:up");
    run(time, 10, requests, 20, Duration.ofSeconds(3));
    ScalingSignal slow = last("p95-latency-high");
    assertThat(Duration.between(slow.since(), slow.at())).isEqualTo(Duration.ofMinutes(5));
    assertThat(slow.value()).isGreaterThan(2.0);

    // p95 0.1 s: down once it has held for 15 minutes
    run(time, 15 * 60, requests, 20, Duration.ofMillis(100));
    assertThat(fired()).doesNotContain("p95-latency-low:warning:down");
    run(time, 90, requests, 20, Duration.ofMillis(100));
    ScalingSignal fast = last("p95-latency-low");
    assertThat(Duration.between(fast.since(), fast.at())).isEqualTo(Duration.ofMinutes(15));
    assertThat(fast.value()).isLessThan(0.5);

    // 10% errors for 2 minutes: up, and no VRAM veto holds the app back
    traffic(time, 150, ok, failed, 10);
    assertThat(fired()).contains("error-rate:warning:up");
    assertThat(advisor.state().rule("error-rate").orElseThrow().heldBackBy()).isEmpty();

    // night: 01:00 UTC -> the minimum, 2 replicas
    long untilOneAm = Duration.between(advisor.clock().instant(), Instant.parse("2025-03-04T01:00:00Z")).toSeconds();
    time.advance(Duration.ofSeconds(untilOneAm - 30));
    assertThat(fired()).doesNotContain("off-peak-night:info:down");
    time.advance(Duration.ofSeconds(30));
    assertThat(fired()).last().isEqualTo("off-peak-night:info:down");
    ScalingSignal nightSignal = signals.get(signals.size() - 1);
    assertThat(nightSignal.targetReplicas()).hasValue(2);
    assertThat(nightSignal.since()).isEqualTo(Instant.parse("2025-03-04T01:00:00Z"));
    advisor.close();
  }

  private ScalingSignal last(String rule) {
    return signals.stream().filter(s -> s.rule().equals(rule)).reduce((a, b) -> b).orElseThrow();
  }

  private static void traffic(VirtualTime time, int seconds, Counter ok, Counter failed, int failedPercent) {
    for (int s = 0; s < seconds; s++) {
      ok.increment(100 - failedPercent);
      failed.increment(failedPercent);
      time.advance(Duration.ofSeconds(1));
    }
  }

  /** Seed 002's LLM-worker file, with the seed's numbers written out here (never read back from the file). */
  @Test
  void seed002WorkerLlmRulesCarryTheSeedsNumbers() {
    ScalingConfig config = ScalingConfig.load(EXAMPLES.resolve("seed-002-worker-llm.yaml"));
    ScalingRule queue = config.rule("llm-queue-length").orElseThrow();
    assertThat(queue.warning()).isEqualTo(50);
    // seed 002: a 10-minute cooldown (not 180 s)
    assertThat(queue.cooldown()).isEqualTo(Duration.ofMinutes(10));
    ScalingRule p95 = config.rule("llm-p95-latency").orElseThrow();
    assertThat(p95.warning()).isEqualTo(4.0); // seconds
    // seed 002: "for 5 minutes" (not 1 minute), 10-minute cooldown
    assertThat(p95.forDuration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p95.cooldown()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.vetoes()).singleElement().satisfies(v -> {
      assertThat(v.appliesTo("worker-llm")).isTrue();
      assertThat(v.appliesTo("app")).isFalse();
    });
  }

  @Test
  void seed002WorkerLlmQueueAndP95WithATenMinuteCooldown() {
    VirtualTime time = new VirtualTime();
    MeterRegistry registry = registry(time);
    Timer latency = Timer.builder("headroom.latency").tag("pool", "worker-llm").publishPercentileHistogram()
        .register(registry);
    AtomicReference<Double> queue = new AtomicReference<>(10.0);
    AtomicReference<Double> vram = new AtomicReference<>(0.5);
    Gauge.builder("headroom.queue.depth", queue, AtomicReference::get).tag("pool", "worker-llm").register(registry);
    Gauge.builder("gpu.vram.headroom", vram, AtomicReference::get).register(registry);
    ScalingAdvisor advisor = advisor("seed-002-worker-llm.yaml", registry, time);

    run(time, 120, latency, 2, Duration.ofSeconds(2));
    assertThat(signals).isEmpty();
    queue.set(80.0); // > 50
    run(time, 10, latency, 2, Duration.ofSeconds(2));
    assertThat(fired()).containsExactly("llm-queue-length:warning:up");
    run(time, 590, latency, 2, Duration.ofSeconds(2)); // within the 10-minute cooldown: no second ask
    assertThat(fired()).hasSize(1);
    run(time, 10, latency, 2, Duration.ofSeconds(2)); // cooldown over, still > 50: ask again
    assertThat(fired()).containsExactly("llm-queue-length:warning:up", "llm-queue-length:warning:up");

    queue.set(10.0);
    vram.set(0.1); // no room for another model copy: p95 > 4 s must not scale up
    run(time, 6 * 60, latency, 2, Duration.ofSeconds(6));
    assertThat(advisor.state().rule("llm-p95-latency").orElseThrow().firing()).isTrue();
    assertThat(fired()).hasSize(2);
    vram.set(0.5);
    run(time, 10, latency, 2, Duration.ofSeconds(6));
    assertThat(fired()).last().isEqualTo("llm-p95-latency:warning:up");
    assertThat(signals.get(2).value()).isGreaterThan(4.0);
    assertThat(Duration.between(signals.get(2).since(), signals.get(2).at()))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(5));
    advisor.close();
  }
}
