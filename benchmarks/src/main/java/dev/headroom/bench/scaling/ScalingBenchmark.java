package dev.headroom.bench.scaling;

import dev.headroom.scaling.MeterQuery;
import dev.headroom.scaling.MetricSource;
import dev.headroom.scaling.ScaleDirection;
import dev.headroom.scaling.ScalingAdvisor;
import dev.headroom.scaling.ScalingConfig;
import dev.headroom.scaling.ScalingRule;
import dev.headroom.scaling.ScalingSchedule;
import dev.headroom.scaling.ScalingSignal;
import dev.headroom.scaling.VetoRule;
import dev.headroom.scaling.hpa.HorizontalPodAutoscaler;
import dev.headroom.scaling.hpa.HpaBehavior;
import dev.headroom.scaling.hpa.HpaDecision;
import dev.headroom.scaling.hpa.HpaSpec;
import dev.headroom.scaling.hpa.MetricInput;
import dev.headroom.scaling.hpa.PodSample;
import dev.headroom.scaling.hpa.Target;
import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one advisor sample with seed 002's app table (3 rules, 1 veto, 2 schedules over 5 meters) and of one
 * HPA reconcile (10 pods, default behavior), against a baseline in the same run: reading the same meters straight
 * from the registry (the lookups any evaluation must make).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ScalingBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ScalingBenchmark {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final VirtualTime time = new VirtualTime(1_741_000_000L * 1_000_000_000L);
  private final AtomicLong depth = new AtomicLong(30);
  private Counter ok;
  private Counter failed;
  private ScalingAdvisor advisor;
  private HorizontalPodAutoscaler hpa;
  private List<MetricInput> metrics;
  private int flip;

  /** Registers the meters and builds the advisor and the HPA. */
  @Setup
  public void setUp() {
    Gauge.builder("headroom.queue.depth", depth, AtomicLong::get).tag("pool", "tasks").register(registry);
    Gauge.builder("gpu.vram.headroom", () -> 0.6).tag("gpu", "0").register(registry);
    Gauge.builder("gpu.vram.headroom", () -> 0.7).tag("gpu", "1").register(registry);
    ok = Counter.builder("headroom.requests").tags("pool", "tasks", "outcome", "success").register(registry);
    failed = Counter.builder("headroom.requests").tags("pool", "tasks", "outcome", "failure").register(registry);
    MetricSource queue = MetricSource.gauge("headroom.queue.depth", "pool", "tasks");
    ScalingConfig config = ScalingConfig.builder()
        .rule(ScalingRule.builder("task-queue-high").service("app").metric(queue).above(50)
            .cooldown(Duration.ofMinutes(10)).build())
        .rule(ScalingRule.builder("task-queue-low").service("app").metric(queue).below(10)
            .forDuration(Duration.ofMinutes(15)).cooldown(Duration.ofMinutes(10)).build())
        .rule(ScalingRule.builder("error-rate").service("app").direction(ScaleDirection.UP)
            .metric(MetricSource.ratio(MeterQuery.of("headroom.requests", "pool", "tasks", "outcome", "failure"),
                MeterQuery.of("headroom.requests", "pool", "tasks"))).above(0.05)
            .forDuration(Duration.ofMinutes(2)).build())
        .veto(VetoRule.builder("gpu-vram-headroom").metric(MetricSource.gauge("gpu.vram.headroom")
            .aggregate(MetricSource.Aggregation.MIN)).below(0.2).build())
        .schedule(ScalingSchedule.builder("off-peak-night").service("app")
            .between(LocalTime.of(1, 0), LocalTime.of(6, 0)).scaleDownTo(1).build())
        .schedule(ScalingSchedule.builder("business-hours").service("app")
            .between(LocalTime.of(8, 0), LocalTime.of(18, 0)).scaleUpTo(3).build())
        .build();
    advisor = ScalingAdvisor.builder(config, registry).clock(time).noMetrics().build();
    hpa = HorizontalPodAutoscaler.create(HpaSpec.builder(50).behavior(HpaBehavior.defaults()).build(), time);
    List<PodSample> pods = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pods.add(PodSample.ready("worker-" + i, 40_000 + i * 1000));
    }
    metrics = List.of(MetricInput.pods("headroom_queue_depth", Target.averageValue(30), pods));
  }

  /** Baseline: the registry lookups of the same five meter queries, summed. */
  @Benchmark
  public double baselineRawReads() {
    ok.increment(95);
    failed.increment(5);
    double sum = registry.find("headroom.queue.depth").tag("pool", "tasks").gauge().value();
    for (var g : registry.find("gpu.vram.headroom").gauges()) {
      sum += g.value();
    }
    for (var c : registry.find("headroom.requests").tags("pool", "tasks", "outcome", "failure").counters()) {
      sum += c.count();
    }
    for (var c : registry.find("headroom.requests").tag("pool", "tasks").counters()) {
      sum += c.count();
    }
    return sum;
  }

  /** One advisor sample, 10 s of virtual time after the previous one. */
  @Benchmark
  public List<ScalingSignal> advisorSample() {
    ok.increment(95);
    failed.increment(5);
    depth.set((flip++ & 64) == 0 ? 30 : 60);
    time.advance(Duration.ofSeconds(10));
    return advisor.evaluateNow();
  }

  /** One HPA reconcile of 10 pods with the default behavior, 15 s after the previous one. */
  @Benchmark
  public HpaDecision hpaReconcile() {
    time.advance(Duration.ofSeconds(15));
    return hpa.reconcile(10 + (flip++ & 7), metrics);
  }
}
