package dev.headroom.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the sample on a random port on its fakes and calls each endpoint once. */
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
    app.close();
    assertThat(fakes.all()).noneMatch(dev.headroom.testkit.FakeBackend::isRunning);
  }

  @Test
  void chatGoesThroughTheRouterToAnOllamaNode() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/chat"))
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("why is the sky blue?")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"pool\":\"ollama\"").containsPattern("\"endpoint\":\"ollama-[12]\"")
        .contains("\\\"backend\\\":\\\"ollama-");
  }

  @Test
  void healthShowsEveryPoolAndEndpoint() throws Exception {
    HttpResponse<String> response = get("/actuator/health");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"headroom\"", "\"ollama\"", "\"cloud\"", "\"ollama-1\"", "\"cloud-1\"",
        "\"inFlight\"", "\"limit\"");
  }

  @Test
  void prometheusHasHeadroomsMetersAndTheScalingRules() throws Exception {
    http.send(HttpRequest.newBuilder(URI.create(base + "/chat")).POST(HttpRequest.BodyPublishers.ofString("hi"))
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> response = get("/actuator/prometheus");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("headroom_requests_total{", "pool=\"ollama\"", "headroom_queue_depth{",
        "headroom_scaling_rule_state{", "rule=\"llm-queue-length\"", "rule=\"task-queue-high\"");
  }

  @Test
  void infoShowsTheScalingRules() throws Exception {
    HttpResponse<String> response = get("/actuator/info");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"headroom\"", "\"scaling\"", "\"firing\"", "llm-p95-latency",
        "gpu-vram-headroom", "\"chat\"");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
