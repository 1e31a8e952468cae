package dev.headroom.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.testkit.llm.FakeOllama;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every {@code headroom_llm_…} series that docs/scaling.md names is in a real Prometheus scrape of a router. */
class LlmPrometheusNamesTest {
  private static final long GIB = 1L << 30;

  @Test
  void theScrapeContainsEveryLlmNameTheScalingDocUses() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (FakeOllama gpu = FakeOllama.builder("gpu").loaded("a", "b").modelSize("a", 10 * GIB)
        .modelSize("b", 10 * GIB).start();
        LlmRouter llm = LlmRouter.builder().node(OllamaNode.of("gpu", gpu.uri(), 2)).noHealthCheck()
            .meterRegistry(registry).pollInterval(Duration.ofMinutes(10))
            .vram(VramPolicy.builder().capacity(20 * GIB).build()).build()) {
      // 20 of 20 GiB at the build's poll: critical, and of two unused models "a" goes first (by name)
      llm.chat(ChatRequest.chat("b").user("hello").build());
      llm.refreshFleet(Duration.ofSeconds(5));
      assertThat(gpu.apiUnloads()).containsExactly("a:latest");

      String scrape = registry.scrape();
      Set<String> inScrape = scrape.lines().filter(l -> !l.startsWith("#"))
          .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
      String doc = Files.readString(Path.of("../docs/scaling.md"));
      Set<String> inDoc = new TreeSet<>();
      Matcher m = Pattern.compile("headroom_llm_[a-z_]+[a-z]").matcher(doc);
      while (m.find()) {
        inDoc.add(m.group());
      }
      assertThat(inDoc).contains("headroom_llm_requests_total", "headroom_llm_latency_seconds_bucket",
          "headroom_llm_models_loaded", "headroom_llm_vram_usage", "headroom_llm_vram_unloads_total");
      assertThat(inScrape).containsAll(inDoc);
      assertThat(scrape).contains("headroom_llm_requests_total{model=\"b:latest\",outcome=\"success\","
          + "tier=\"local\"} 1.0");
      assertThat(scrape).contains("headroom_llm_models_loaded{endpoint=\"gpu\"} 1.0");
    }
  }
}
