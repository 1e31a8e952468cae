package dev.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.time.VirtualTime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every {@code headroom_…} series that docs/scaling.md names is in a real Prometheus scrape. */
class PrometheusExportTest {

  @Test
  void theScrapeContainsEveryNameTheScalingDocUses() throws IOException {
    VirtualTime time = new VirtualTime();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
        new PrometheusRegistry(), new VirtualMicrometerClock(time));
    Pool pool = Pool.create(PoolConfig.builder("worker-llm")
        .endpoint(Endpoint.of("w1", URI.create("http://127.0.0.1:1"), 1))
        .clock(time).meterRegistry(registry).build());
    Lease lease = pool.acquire(Duration.ZERO);
    pool.acquireAsync(dev.headroom.core.Selector.any(),
        dev.headroom.core.Deadline.after(Duration.ofSeconds(5), time)); // one caller waiting
    time.advance(Duration.ofMillis(250));
    lease.success();

    java.util.concurrent.atomic.AtomicInteger replicas = new java.util.concurrent.atomic.AtomicInteger(2);
    ScalingAdvisor advisor = ScalingAdvisor.builder(ScalingConfig.builder()
            .service(ServiceBounds.builder("worker-llm").replicas(2, 8).build())
            .rule(ScalingRule.builder("llm-queue").service("worker-llm")
                .metric(MetricSource.gauge("headroom.inflight", "pool", "worker-llm")).above(0).build())
            .rule(ScalingRule.builder("llm-busy").service("worker-llm")
                .metric(MetricSource.gauge("headroom.inflight", "pool", "worker-llm")).above(0).build())
            .decision(ScalingDecision.builder("busy").service("worker-llm").when("llm-busy")
                .action(ScalingDecision.Action.UP).build())
            .veto(VetoRule.builder("never").metric(MetricSource.gauge("headroom.inflight")).above(100).build())
            .build(), registry)
        .clock(time).replicaCounts(service -> java.util.OptionalInt.of(replicas.get())).build();
    assertThat(advisor.evaluateNow()).hasSize(2);
    replicas.set(3);
    advisor.evaluateNow(); // the target of 3 reached: one scaling lag

    String scrape = registry.scrape();
    Set<String> inScrape = scrape.lines().filter(l -> !l.startsWith("#"))
        .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    String doc = Files.readString(SeedExamplesTest.EXAMPLES.getParent().resolve("scaling.md"));
    Set<String> inDoc = new TreeSet<>();
    Matcher m = Pattern.compile("headroom_[a-z_]+[a-z]").matcher(doc);
    while (m.find()) {
      if (!m.group().startsWith("headroom_llm")) { // the LLM router's: llm-router's LlmPrometheusNamesTest
        inDoc.add(m.group());
      }
    }
    assertThat(inDoc).contains("headroom_queue_depth", "headroom_requests_total", "headroom_latency_seconds_count",
        "headroom_scaling_signals_total");
    assertThat(inScrape).containsAll(inDoc);
    // the waiter took the lease when it was released: nobody waits, one lease held
    assertThat(scrape).contains("headroom_queue_depth{pool=\"worker-llm\"} 0.0");
    assertThat(scrape).contains("headroom_queue_wait_seconds_count{pool=\"worker-llm\"} 1");
    assertThat(scrape).contains("headroom_latency_seconds_count{endpoint=\"w1\",pool=\"worker-llm\"} 1");
    assertThat(scrape).contains("headroom_scaling_rule_state{direction=\"up\",rule=\"llm-queue\","
        + "service=\"worker-llm\"} 1.0");
    advisor.close();
    pool.close();
  }
}
