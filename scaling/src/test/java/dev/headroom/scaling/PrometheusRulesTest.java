package dev.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules generated from the seeds' scaling files (issue 15 item 6): what one rule becomes, the committed
 * {@code docs/prometheus/headroom-rules.yaml} is the generator's output, the real {@code promtool} accepts it, and
 * every Headroom metric it queries is one a real Prometheus registry exports.
 */
class PrometheusRulesTest {
  static final Path DOCS = Path.of(System.getProperty("basedir", ".")).resolve("../docs").normalize();
  static final Path SCALING = DOCS.resolve("scaling");
  static final Path RULES = DOCS.resolve("prometheus/headroom-rules.yaml");

  /** Every scaling file of docs/scaling, one rule group each, named after the file. */
  static String generated() throws IOException {
    Map<String, ScalingConfig> groups = new TreeMap<>();
    try (Stream<Path> files = Files.list(SCALING)) {
      files.filter(f -> f.toString().endsWith(".yaml")).forEach(f ->
          groups.put(f.getFileName().toString().replace(".yaml", ""), ScalingConfig.load(f)));
    }
    return "# Generated from docs/scaling/*.yaml by dev.headroom.scaling.PrometheusRules (PrometheusRulesTest checks"
        + " it);\n# regenerate: copy scaling/target/headroom-rules.yaml here after the scaling module's tests.\n"
        + PrometheusRules.from(groups);
  }

  @Test
  void aQueueRuleAPercentileRuleAndAVetoBecomeAlertsOverTheExportedMetrics() {
    ScalingConfig config = ScalingConfig.load(SCALING.resolve("seed-002-worker-llm.yaml"));
    String rules = PrometheusRules.from(config, "worker");
    // seed 002's worker-LLM table: queue length > 50; p95 latency > 4 s for 5 minutes; VRAM headroom < 20% vetoes
    assertThat(rules).contains(
        "      - alert: HeadroomLlmQueueLength\n"
            + "        expr: \"sum(headroom_queue_depth{pool=\\\"worker-llm\\\"}) > 50\"\n"
            + "        for: 0s\n",
        "expr: \"histogram_quantile(0.95, sum by (le) (rate(headroom_latency_seconds_bucket{pool=\\\"worker-llm\\\"}"
            + "[1m]))) > 4\"\n        for: 5m\n",
        "      - alert: HeadroomVetoGpuVramHeadroom\n        expr: \"min(gpu_vram_headroom) < 0.2\"\n",
        "cooldown 10m");
  }

  @Test
  void aDecisionMatrixBecomesAlertsOverTheRulesAlertsThatPromtoolAccepts() throws Exception {
    ScalingConfig config = ScalingConfig.fromYaml("""
        rules:
          - {name: queue-high, service: app, metric: {gauge: headroom.queue.depth}, above: 100, for: 3m}
          - {name: latency-high, service: app, metric: {timer: headroom.latency, percentile: 0.95}, above: 2s}
        decisions:
          - {name: both, service: app, when: [queue-high, latency-high], action: up, priority: 10}
          - {name: coping, service: app, when: [queue-high], unless: [latency-high], action: hold}
        """);
    String rules = PrometheusRules.from(config, "matrix");
    assertThat(rules).contains("      - alert: HeadroomDecisionBoth\n"
        + "        expr: \"count(ALERTS{alertname=~\\\"HeadroomQueueHigh|HeadroomLatencyHigh\\\","
        + "alertstate=\\\"firing\\\"}) == 2\"\n");
    assertThat(rules).as("the lower-priority row yields to the higher one").contains(
        "- alert: HeadroomDecisionCoping\n        expr: \"((count(ALERTS{alertname=~\\\"HeadroomQueueHigh\\\","
            + "alertstate=\\\"firing\\\"}) == 1) unless on() (count(ALERTS{alertname=~\\\"HeadroomLatencyHigh"
            + "\\\",alertstate=\\\"firing\\\"}) > 0)) unless on() (count(ALERTS{alertname=~\\\""
            + "HeadroomQueueHigh|HeadroomLatencyHigh\\\",alertstate=\\\"firing\\\"}) == 2)\"");
    Path file = Path.of("target/decision-rules.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, rules, StandardCharsets.UTF_8);
    Process check = new ProcessBuilder("/usr/bin/promtool", "check", "rules", file.toAbsolutePath().toString())
        .redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(output).isZero();
  }

  @Test
  void theCommittedRulesAreTheGeneratorsOutput() throws IOException {
    String generated = generated();
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/headroom-rules.yaml"), generated, StandardCharsets.UTF_8);
    assertThat(Files.readString(RULES, StandardCharsets.UTF_8))
        .as("docs/prometheus/headroom-rules.yaml (regenerate from scaling/target/headroom-rules.yaml)")
        .isEqualTo(generated);
  }

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    assertThat(promtool).as("promtool (Debian's package prometheus; scripts/test.sh installs it)").isExecutable();
    Process check = new ProcessBuilder(promtool.toString(), "check", "rules", RULES.toAbsolutePath().toString())
        .redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(output).isZero();
    assertThat(output).contains("SUCCESS");
  }

  @Test
  void everyHeadroomMetricTheRulesQueryIsExportedByARealPrometheusRegistry() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Pool pool = Pool.create(PoolConfig.builder("worker-llm").meterRegistry(registry)
        .endpoint(Endpoint.of("a", URI.create("http://a"), 2)).build())) {
      try (Lease lease = pool.acquire(Duration.ofSeconds(1))) {
        lease.success();
      }
      String scrape = registry.scrape();
      Matcher metric = Pattern.compile("(headroom_[a-z0-9_]+)").matcher(Files.readString(RULES));
      int checked = 0;
      while (metric.find()) {
        assertThat(scrape).as("the rules query %s", metric.group(1)).contains(metric.group(1));
        checked++;
      }
      assertThat(checked).isPositive();
    }
  }
}
