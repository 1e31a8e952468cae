package dev.headroom.examples.scaling;

import dev.headroom.core.Deadline;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.Selector;
import dev.headroom.scaling.MetricSource;
import dev.headroom.scaling.ScalingAdvisor;
import dev.headroom.scaling.ScalingConfig;
import dev.headroom.scaling.ScalingRule;
import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Scaling signals in one page, in virtual time: seed 002's LLM-worker rules ("queue length > 50 → up", "p95 > 4 s
 * for 5 minutes → up", cooldown 10 minutes) watch a worker pool with one slot while 60 callers queue for it.
 *
 * <pre>java -cp examples/target/headroom-demo.jar dev.headroom.examples.scaling.ScalingExample</pre>
 */
public final class ScalingExample {
  private ScalingExample() {}

  /** Runs six virtual minutes in a few milliseconds and prints the signals. */
  public static void main(String[] args) {
    VirtualTime time = new VirtualTime();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // A SimpleMeterRegistry keeps no histogram buckets (a Prometheus registry does): have it publish the p95.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return DistributionStatisticConfig.builder().percentiles(0.95).build().merge(config);
      }
    });
    Pool worker = Pool.create(PoolConfig.builder("worker-llm")
        .endpoint(Endpoint.of("gpu-1", URI.create("http://gpu-1:11434"), 1))
        .clock(time)
        .meterRegistry(registry)
        .build());

    ScalingConfig rules = ScalingConfig.builder()
        .rule(ScalingRule.builder("llm-queue-length").service("worker-llm")
            .metric(MetricSource.gauge("headroom.queue.depth", "pool", "worker-llm"))
            .above(50)
            .cooldown(Duration.ofMinutes(10))
            .build())
        .rule(ScalingRule.builder("llm-p95-latency").service("worker-llm")
            .metric(MetricSource.percentile("headroom.latency", 0.95, "pool", "worker-llm"))
            .above(Duration.ofSeconds(4))
            .forDuration(Duration.ofMinutes(5))
            .cooldown(Duration.ofMinutes(10))
            .build())
        .build();
    ScalingAdvisor advisor = ScalingAdvisor.builder(rules, registry)
        .clock(time)
        .listener(signal -> System.out.printf("t=%3ds  scale %s %s: %s = %.1f (threshold %.1f)%n",
            time.read() / 1_000_000_000L, signal.service(), signal.direction(), signal.rule(), signal.value(),
            signal.threshold()))
        .build()
        .start();

    // The worker's one slot is taken, 60 callers queue for it, and every request takes 6 s.
    Lease current = worker.acquire(Duration.ZERO);
    List<CompletableFuture<Lease>> queued = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      queued.add(worker.acquireAsync(Selector.any(), Deadline.after(Duration.ofHours(1), time)));
    }
    // The queue rule fires at the first sample; the p95 rule once 6 s replies have held for 5 minutes.
    for (CompletableFuture<Lease> next : queued) {
      time.advance(Duration.ofSeconds(6));
      current.success();
      current = next.join();
    }
    time.advance(Duration.ofSeconds(6));
    current.success();
    System.out.println("firing now: " + advisor.state().toMap().get("firing"));
    advisor.close();
    worker.close();
  }
}
