package dev.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipSync;
import dev.headroom.core.discovery.PoolMembership;
import dev.headroom.core.discovery.StaticDiscovery;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every core metric the Grafana dashboard ({@code docs/grafana/headroom-dashboard.json}) queries is one that a real
 * Prometheus registry exports once the core has done what the panel shows (a spill, a retry, an ejection, a
 * discovery change). The cache and browser panels are checked by the spring sample's test, against its live
 * {@code /actuator/prometheus}.
 */
class DashboardMetricsTest {
  static final Path DASHBOARD = PrometheusRulesTest.DOCS.resolve("grafana/headroom-dashboard.json");

  /** The metric names the dashboard's queries use. */
  static Set<String> queried() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> names = new TreeSet<>();
    Pattern metric = Pattern.compile("\\b(headroom_[a-z0-9_]+)");
    for (JsonNode expr : dashboard.findValues("expr")) {
      Matcher m = metric.matcher(expr.asText());
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      Matcher m = metric.matcher(variable.path("definition").asText());
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  @Test
  void theDashboardIsValidJsonForGrafanaWithItsDatasourceAsAnInput() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertThat(dashboard.path("__inputs").get(0).path("pluginId").asText()).isEqualTo("prometheus");
    assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
    assertThat(dashboard.path("panels").size()).isGreaterThan(10);
    assertThat(queried()).contains("headroom_queue_depth", "headroom_spillover_total", "headroom_cache_hit_rate",
        "headroom_cache_ttl_seconds", "headroom_ejections_total");
  }

  @Test
  void everyCoreMetricTheDashboardQueriesIsExported() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Pool local = Pool.create(PoolConfig.builder("local").meterRegistry(registry).noCircuitBreaker()
        .outlierDetection(OutlierDetection.builder().consecutiveFailures(1).build())
        .endpoint(Endpoint.of("a", URI.create("http://a"), 1))
        .endpoint(Endpoint.of("b", URI.create("http://b"), 1)).build());
    Pool cloud = Pool.create(PoolConfig.builder("cloud").meterRegistry(registry)
        .endpoint(Endpoint.of("openai", URI.create("http://openai"), 4)).build());
    Router router = Router.builder("chat").tier("local", local, Duration.ZERO).tier("cloud", cloud, Duration.ZERO)
        .meterRegistry(registry).build();
    // a retry: the first endpoint fails (and is ejected), the second answers
    int[] calls = {0};
    router.execute(RouteOptions.builder().idempotent(true).build(), lease -> {
      if (calls[0]++ == 0) {
        throw new IOException("reset");
      }
      return "ok";
    });
    // a spill: local is full
    Lease held = local.tryAcquire(dev.headroom.core.Selector.any()).orElseThrow();
    router.execute(lease -> "from " + lease.pool());
    held.success();
    try (MembershipSync sync = MembershipSync.builder(StaticDiscovery.of(
        DiscoveredMember.of("c", URI.create("http://c"))), PoolMembership.of(local, 1)).meterRegistry(registry)
        .executor(Runnable::run).start()) {
      String scrape = registry.scrape();
      Set<String> core = new TreeSet<>(queried());
      // the module meters (cache, browser, LLM, the advisor's) are checked on the sample app's live scrape
      core.removeIf(name -> name.startsWith("headroom_cache_") || name.startsWith("headroom_browser_")
          || name.startsWith("headroom_llm_") || name.startsWith("headroom_scaling_"));
      assertThat(core).isNotEmpty();
      for (String name : core) {
        assertThat(scrape).as("the dashboard queries %s", name).contains(name);
      }
    } finally {
      router.close();
    }
  }
}
