package dev.headroom.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.HostStatus;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the sample on a random port on its fakes (with a real headless Chromium, the real embedding model and a real
 * Redis Cluster) and calls each endpoint. The {@code test} profile samples every trace, and the spans go to an
 * in-memory exporter as well.
 */
class SampleApplicationTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static ConfigurableApplicationContext app;
  static String base;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    app = new SpringApplicationBuilder(SampleApplication.class, SpanCapture.class).profiles("fakes", "test")
        .run("--server.port=0");
    base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
  }

  /** Boot's OpenTelemetry tracing hands every finished span to each {@code SpanExporter} bean. */
  @Configuration(proxyBeanMethods = false)
  static class SpanCapture {
    @Bean
    InMemorySpanExporter spans() {
      return InMemorySpanExporter.create();
    }
  }

  @AfterAll
  static void stop() {
    FakeBackends fakes = app.getBean(FakeBackends.class);
    List<Long> browserPids = new ArrayList<>();
    for (HostStatus host : app.getBean(BrowserPool.class).hosts()) {
      host.pid().ifPresent(pid -> {
        browserPids.add(pid);
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> browserPids.add(d.pid())));
      });
    }
    app.close();
    assertThat(fakes.stopped()).isTrue();
    assertThat(browserPids).isNotEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> browserPids.stream().noneMatch(SampleApplicationTest::alive));
  }

  @Test
  void chatGoesThroughTheLlmRouterToAnOllamaNode() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/chat"))
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("why is the sky blue?")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"tier\":\"local\"").containsPattern("\"endpoint\":\"ollama-[12]\"")
        .contains("\"model\":\"llama3.2").contains("\"reply\":\"");
  }

  @Test
  void aChatIsTracedAsAHeadroomRouteSpanWithTheAttemptAsItsChildUnderTheServerSpan() throws Exception {
    HttpResponse<String> response = post("/chat", "text/plain", "trace this chat");
    assertThat(response.statusCode()).isEqualTo(200);
    String endpoint = JSON.readTree(response.body()).get("endpoint").asText();
    InMemorySpanExporter spans = app.getBean(InMemorySpanExporter.class);

    // a local chat served by that node: its route span with the attempt that answered as a child
    SpanData route = await().atMost(Duration.ofSeconds(10))
        .until(() -> routeSpan(spans.getFinishedSpanItems(), endpoint), Optional::isPresent).orElseThrow();
    List<SpanData> trace = spans.getFinishedSpanItems().stream()
        .filter(span -> span.getTraceId().equals(route.getTraceId())).toList();
    assertThat(route.getName()).isEqualTo("route chat");
    assertThat(tags(route)).containsEntry("headroom.router", "chat").containsEntry("headroom.tier", "local")
        .containsEntry("headroom.endpoint", endpoint).containsEntry("headroom.outcome", "success")
        .containsKeys("headroom.attempts", "headroom.spill.reason");
    SpanData attempt = trace.stream().filter(span -> span.getParentSpanId().equals(route.getSpanId()))
        .filter(span -> endpoint.equals(tags(span).get("headroom.endpoint"))).findFirst().orElseThrow();
    assertThat(attempt.getName()).matches("attempt \\d+ on " + endpoint);
    assertThat(tags(attempt)).containsEntry("headroom.router", "chat").containsEntry("headroom.tier", "local")
        .containsEntry("headroom.endpoint", endpoint).containsEntry("headroom.outcome", "success")
        .containsEntry("headroom.attempt", attempt.getName().split(" ")[1]);

    await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
        .anyMatch(span -> span.getTraceId().equals(route.getTraceId()) && span.getKind() == SpanKind.SERVER));
    List<SpanData> all = spans.getFinishedSpanItems().stream()
        .filter(span -> span.getTraceId().equals(route.getTraceId())).toList();
    SpanData server = all.stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    assertThat(server.getName()).as("the trace's root").contains("/chat");
    assertThat(ancestors(route, all)).as("the route span sits under the request's server span")
        .contains(server.getSpanId());
  }

  /** The span of a local route that {@code endpoint} answered, once its attempt span is there too. */
  private static Optional<SpanData> routeSpan(List<SpanData> spans, String endpoint) {
    return spans.stream()
        .filter(span -> tags(span).containsKey("headroom.attempts")) // headroom.route's, not the attempt's
        .filter(span -> "local".equals(tags(span).get("headroom.tier"))
            && endpoint.equals(tags(span).get("headroom.endpoint")))
        .filter(route -> spans.stream().anyMatch(span -> span.getParentSpanId().equals(route.getSpanId())
            && endpoint.equals(tags(span).get("headroom.endpoint"))))
        .findFirst();
  }

  private static Map<String, String> tags(SpanData span) {
    Map<String, String> tags = new TreeMap<>();
    span.getAttributes().forEach((key, value) -> tags.put(key.getKey(), String.valueOf(value)));
    return tags;
  }

  private static Set<String> ancestors(SpanData span, List<SpanData> trace) {
    Set<String> ancestors = new HashSet<>();
    String parent = span.getParentSpanId();
    while (ancestors.add(parent)) {
      String id = parent;
      parent = trace.stream().filter(s -> s.getSpanId().equals(id)).map(SpanData::getParentSpanId).findFirst()
          .orElse(parent);
    }
    return ancestors;
  }

  @Test
  void aDeterministicChatAnswerIsServedFromTheRedisCacheTheSecondTime() throws Exception {
    String url = base + "/chat?temperature=0";
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("what is a tier?")).build();
    HttpResponse<String> first = http.send(request, HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> second = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(first.body()).contains("\"tier\":\"local\"");
    assertThat(second.body()).contains("\"tier\":\"cache\"");
    assertThat(JSON.readTree(second.body()).get("reply")).isEqualTo(JSON.readTree(first.body()).get("reply"));
  }

  @Test
  void embedGoesThroughTheEmbeddingPoolToTheLocalModelAndTheNpuWorker() throws Exception {
    List<String> texts = List.of("a cat sits on the mat", "a cat is sitting on a mat",
        "the stock market fell sharply");
    JsonNode reply = JSON.readTree(post("/embed", JSON.writeValueAsString(texts)).body());
    assertThat(reply.get("pool").asText()).isEqualTo("embeddings");
    assertThat(reply.get("dimensions").asInt()).isEqualTo(384);
    List<float[]> vectors = new ArrayList<>();
    for (JsonNode embedding : reply.get("embeddings")) {
      assertThat(embedding.get("backend").asText()).isIn("onnxruntime-cpu", "npu-worker-1");
      float[] vector = new float[embedding.get("vector").size()];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = (float) embedding.get("vector").get(i).asDouble();
      }
      vectors.add(vector);
    }
    assertThat(vectors).hasSize(3);
    assertThat(dot(vectors.get(0), vectors.get(1))).as("the model puts the two cats together")
        .isGreaterThan(dot(vectors.get(0), vectors.get(2)) + 0.3);

    // enough texts at once that the NPU worker takes batches while the local model is busy
    List<String> many = java.util.stream.IntStream.range(0, 96).mapToObj(i -> "sentence number " + i).toList();
    long before = app.getBean(FakeBackends.class).npuWorkerTexts();
    JsonNode bulk = JSON.readTree(post("/embed", JSON.writeValueAsString(many)).body());
    assertThat(bulk.get("embeddings")).hasSize(96);
    java.util.Set<String> backends = new java.util.TreeSet<>();
    bulk.get("embeddings").forEach(e -> backends.add(e.get("backend").asText()));
    assertThat(backends).contains("onnxruntime-cpu", "npu-worker-1");
    assertThat(app.getBean(FakeBackends.class).npuWorkerTexts()).isGreaterThan(before);

    HttpResponse<String> blank = post("/embed", "[\"fine\", \" \"]");
    assertThat(blank.statusCode()).isEqualTo(400);
    assertThat(blank.body()).contains("blank");
  }

  @Test
  void cachedComputesOnceThenServesFromTheTieredCacheOnARealRedisCluster() throws Exception {
    assertThat(app.getBean(FakeBackends.class).redis()).as("redis-server is installed here").isPresent();
    JsonNode first = JSON.readTree(get("/cached/report-42").body());
    JsonNode second = JSON.readTree(get("/cached/report-42").body());
    assertThat(first.get("computed").asBoolean()).isTrue();
    assertThat(second.get("computed").asBoolean()).isFalse();
    assertThat(second.get("value")).isEqualTo(first.get("value"));
    assertThat(first.get("value").asText()).hasSize(64);
    assertThat(second.get("cache").asText()).contains("TieredCache{reports", "l2=UP");

    String health = get("/actuator/health").body();
    assertThat(health).contains("\"headroomCache\"", "\"sample-cache\"", "\"l2\":\"UP\"", "\"reports\"");
    String prometheus = get("/actuator/prometheus").body();
    assertThat(prometheus).contains("headroom_cache_l2_up{cache=\"sample-cache\"} 1.0",
        "headroom_cache_gets_total{");
  }

  @Test
  void screenshotRendersThePageInALeasedBrowserSession() throws Exception {
    String page = app.getBean(FakeBackends.class).page("/page?title=sample");
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base + "/screenshot?url="
        + URLEncoder.encode(page, StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(response.body()).startsWith(0x89, 'P', 'N', 'G').hasSizeGreaterThan(1000);

    HttpResponse<String> bad = get("/screenshot?url=file:///etc/passwd");
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  @Test
  void theGrafanaDashboardsModulePanelsQueryMetersThisAppExports() throws Exception {
    get("/cached/report-7"); // a namespace with its TTL tuner
    http.send(HttpRequest.newBuilder(URI.create(base + "/chat")).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("a question for the dashboard")).build(),
        HttpResponse.BodyHandlers.ofString()); // an LLM request: per-model meters, TTFT
    String page = app.getBean(FakeBackends.class).page("/page?title=dashboard");
    http.send(HttpRequest.newBuilder(URI.create(base + "/screenshot?url=" + URLEncoder.encode(page,
        StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofByteArray()); // a browser lease
    String prometheus = get("/actuator/prometheus").body();
    String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("basedir", "."))
        .resolve("../../docs/grafana/headroom-dashboard.json").normalize());
    java.util.regex.Matcher metric = java.util.regex.Pattern.compile(
        "(headroom_(?:cache|browser|llm|scaling)_[a-z0-9_]+)")
        .matcher(dashboard);
    int checked = 0;
    while (metric.find()) {
      assertThat(prometheus).as("the dashboard queries %s", metric.group(1)).contains(metric.group(1) + "{");
      checked++;
    }
    assertThat(checked).as("cache, browser, LLM and scaling panels").isGreaterThanOrEqualTo(10);
  }

  @Test
  void healthShowsTheLlmPoolsAndTheBrowserHosts() throws Exception {
    HttpResponse<String> response = get("/actuator/health");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"headroom\"", "\"chat-local\"", "\"chat-cloud\"", "\"ollama-1\"",
        "\"ollama-2\"", "\"inFlight\"", "\"limit\"", "\"headroomBrowser\"", "\"screenshots\"", "\"chromium-1\"",
        "\"cap\":5", "\"embeddings.local\"", "\"onnxruntime-cpu\"", "\"npu-worker-1\"", "\"embeddings.cloud\"",
        "\"headroomCache\"").doesNotContain(FakeBackends.CLOUD_KEY);
  }

  @Test
  void prometheusHasHeadroomsMetersAndTheScalingRules() throws Exception {
    http.send(HttpRequest.newBuilder(URI.create(base + "/chat")).POST(HttpRequest.BodyPublishers.ofString("hi"))
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> response = get("/actuator/prometheus");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("headroom_requests_total{", "pool=\"chat-local\"", "headroom_queue_depth{",
        "pool=\"screenshots\"", "headroom_llm_", "headroom_scaling_rule_state{", "rule=\"llm-queue-length\"",
        "rule=\"task-queue-high\"");
  }

  @Test
  void infoShowsThePoolsAndTheScalingRules() throws Exception {
    HttpResponse<String> response = get("/actuator/info");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"headroom\"", "\"scaling\"", "\"firing\"", "llm-p95-latency",
        "gpu-vram-headroom", "\"chat-local\"").doesNotContain(FakeBackends.CLOUD_KEY);
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return post(path, "application/json", json);
  }

  private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
