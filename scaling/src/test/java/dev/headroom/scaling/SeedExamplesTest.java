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

  @Test
  void seed002AppTableQueueErrorRateVramVetoAndOffPeakSchedules() {
    Instant mondayNoon = Instant.parse("2025-03-03T12:00:00Z");
    VirtualTime time = new VirtualTime(mondayNoon.getEpochSecond() * 1_000_000_000L);
    MeterRegistry registry = registry(time);
    AtomicReference<Double> tasks = new AtomicReference<>(60.0);
    AtomicReference<Double> vram = new AtomicReference<>(0.6);
    Gauge.builder("headroom.queue.depth", tasks, AtomicReference::get).tag("pool", "tasks").register(registry);
    Gauge.builder("gpu.vram.headroom", vram, AtomicReference::get).tag("gpu", "0").register(registry);
    Gauge.builder("gpu.vram.headroom", () -> 0.7).tag("gpu", "1").register(registry);
    Counter ok = Counter.builder("headroom.requests").tags("pool", "tasks", "outcome", "success").register(registry);
    Counter failed = Counter.builder("headroom.requests").tags("pool", "tasks", "outcome", "failure")
        .register(registry);
    ScalingAdvisor advisor = advisor("seed-002-app.yaml", registry, time);

    // 12:00 Monday: business hours (at least 3 replicas) and more than 50 tasks queued
    assertThat(fired()).containsExactly("business-hours:info:up", "task-queue-high:warning:up");
    assertThat(signals.get(0).targetReplicas()).hasValue(3);

    // the queue drains to 5, first seen by the sample at 12:00:10: "< 10 tasks for 15 minutes" -> down at 12:15:10
    tasks.set(5.0);
    traffic(time, 60, ok, failed, 0);
    traffic(time, 14 * 60, ok, failed, 0);
    assertThat(fired()).hasSize(2);
    traffic(time, 60, ok, failed, 0);
    assertThat(fired()).last().isEqualTo("task-queue-low:warning:down");
    assertThat(signals.get(2).since()).isEqualTo(mondayNoon.plusSeconds(10));
    assertThat(signals.get(2).at()).isEqualTo(mondayNoon.plus(Duration.ofMinutes(15).plusSeconds(10)));

    // 10% errors while one GPU has 10% VRAM headroom: the error-rate rule fires but the veto holds it back
    vram.set(0.1);
    traffic(time, 5 * 60, ok, failed, 10);
    assertThat(advisor.state().rule("error-rate").orElseThrow().firing()).isTrue();
    assertThat(advisor.state().rule("error-rate").orElseThrow().heldBackBy()).contains("veto:gpu-vram-headroom");
    assertThat(fired()).hasSize(3);
    vram.set(0.22); // inside the 5% hysteresis band: still vetoed
    traffic(time, 60, ok, failed, 10);
    assertThat(fired()).hasSize(3);
    vram.set(0.5);
    traffic(time, 10, ok, failed, 10);
    assertThat(fired()).last().isEqualTo("error-rate:warning:up");

    // night: 01:00 UTC -> minimum replicas
    tasks.set(20.0);
    long untilOneAm = Duration.between(advisor.clock().instant(), Instant.parse("2025-03-04T01:00:00Z")).toSeconds();
    time.advance(Duration.ofSeconds(untilOneAm - 30));
    assertThat(fired()).doesNotContain("off-peak-night:info:down");
    time.advance(Duration.ofSeconds(30));
    assertThat(fired()).last().isEqualTo("off-peak-night:info:down");
    ScalingSignal night = signals.get(signals.size() - 1);
    assertThat(night.targetReplicas()).hasValue(1);
    assertThat(night.since()).isEqualTo(Instant.parse("2025-03-04T01:00:00Z"));
    advisor.close();
  }

  private static void traffic(VirtualTime time, int seconds, Counter ok, Counter failed, int failedPercent) {
    for (int s = 0; s < seconds; s++) {
      ok.increment(100 - failedPercent);
      failed.increment(failedPercent);
      time.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void seed002WorkerLlmQueueAndP95WithTheModelWarmUpAsCooldown() {
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
    run(time, 170, latency, 2, Duration.ofSeconds(2)); // within the 180 s warm-up: no second ask
    assertThat(fired()).hasSize(1);
    run(time, 10, latency, 2, Duration.ofSeconds(2)); // warm-up over, still > 50: ask again
    assertThat(fired()).containsExactly("llm-queue-length:warning:up", "llm-queue-length:warning:up");

    queue.set(10.0);
    vram.set(0.1); // no room for another model copy: p95 > 4 s must not scale up
    run(time, 150, latency, 2, Duration.ofSeconds(6));
    assertThat(advisor.state().rule("llm-p95-latency").orElseThrow().firing()).isTrue();
    assertThat(fired()).hasSize(2);
    vram.set(0.5);
    run(time, 10, latency, 2, Duration.ofSeconds(6));
    assertThat(fired()).last().isEqualTo("llm-p95-latency:warning:up");
    assertThat(signals.get(2).value()).isGreaterThan(4.0);
    advisor.close();
  }
}
