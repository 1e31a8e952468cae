package dev.headroom.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.HostStatus;
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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the sample on a random port on its fakes (and a real headless Chromium) and calls each endpoint once. */
class SampleApplicationTest {
  static ConfigurableApplicationContext app;
  static String base;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    app = new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0");
    base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
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
  void healthShowsTheLlmPoolsAndTheBrowserHosts() throws Exception {
    HttpResponse<String> response = get("/actuator/health");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"headroom\"", "\"chat-local\"", "\"chat-cloud\"", "\"ollama-1\"",
        "\"ollama-2\"", "\"inFlight\"", "\"limit\"", "\"headroomBrowser\"", "\"screenshots\"", "\"chromium-1\"",
        "\"cap\":5").doesNotContain(FakeBackends.CLOUD_KEY);
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
