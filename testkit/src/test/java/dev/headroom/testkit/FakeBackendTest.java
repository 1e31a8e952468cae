package dev.headroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeBackendTest {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private FakeBackend backend;

  @AfterEach
  void stop() {
    if (backend != null) {
      backend.close();
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(backend.uri().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesAtMostItsSlotsAtOnceQueuesTheRestAndRefusesBeyondTheQueue() {
    backend = FakeBackend.builder("b").slots(2).queueLimit(3).latency(LatencyModel.fixed(Duration.ofMillis(200)))
        .start();
    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      replies.add(client.sendAsync(HttpRequest.newBuilder(backend.uri().resolve("/work")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    List<Integer> statuses = replies.stream().map(f -> f.join().statusCode()).sorted().toList();
    assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 503, 503, 503);
    assertThat(backend.maxInService()).isEqualTo(2);
    assertThat(backend.rejected()).isEqualTo(3);
    assertThat(replies.stream().map(f -> f.join().body()).filter(b -> b.contains("server busy"))).hasSize(3);
  }

  @Test
  void injectedFaultsAndHealth() throws Exception {
    backend = FakeBackend.builder("f").start();
    backend.inject(Fault.status(500, 1.0));
    assertThat(get("/x").statusCode()).isEqualTo(500);
    backend.inject(Fault.reset(1.0));
    assertThatThrownBy(() -> get("/x")).isInstanceOf(IOException.class);
    backend.clearFaults();
    assertThat(get("/x").body()).contains("\"backend\":\"f\"");
    backend.unhealthy(true);
    assertThat(get("/health").statusCode()).isEqualTo(503);
    assertThat(backend.faulted()).as("the JDK client may resend a GET once after a reset").isBetween(2L, 3L);
  }

  @Test
  void killClosesTheSocketAndRestartOpensTheSamePort() throws Exception {
    backend = FakeBackend.builder("k").start();
    int port = backend.port();
    assertThat(get("/x").statusCode()).isEqualTo(200);
    backend.kill();
    assertThat(backend.isRunning()).isFalse();
    HttpClient fresh = HttpClient.newHttpClient();
    assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(backend.uri()).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    backend.restart();
    assertThat(backend.port()).isEqualTo(port);
    assertThat(fresh.send(HttpRequest.newBuilder(backend.uri()).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
  }

  @Test
  void slowDownMultipliesServiceTime() throws Exception {
    backend = FakeBackend.builder("s").latency(LatencyModel.fixed(Duration.ofMillis(2))).start();
    backend.slowDown(5);
    assertThat(get("/x").body()).contains("\"serviceMs\":10.000");
  }
}
