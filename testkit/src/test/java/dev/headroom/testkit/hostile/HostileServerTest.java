package dev.headroom.testkit.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class HostileServerTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final HostileServer SERVER = HostileServer.start(Misbehaviour.neverAnswer())
      .on("/ok", Misbehaviour.answer(200, "application/json", "{\"ok\":true}"))
      .on("/drip", Misbehaviour.drip("0123456789", 4, "text/plain"))
      .on("/cut", Misbehaviour.cutAfter("{\"message\":\"a long answer\"}", 9, "application/json"))
      .on("/ndjson", Misbehaviour.ndjson("{\"a\":1}", "{\"error\":\"boom\"}"))
      .on("/huge", Misbehaviour.hugeLine(100_000, "application/json"))
      .on("/html", Misbehaviour.html200())
      .on("/busy", Misbehaviour.busy(503, Duration.ofSeconds(7)))
      .on("/lines", Misbehaviour.lines(Duration.ofMillis(20), 2, "{\"n\":1}", "{\"n\":2}"));

  @AfterAll
  static void close() {
    SERVER.close();
  }

  private static HttpResponse<String> get(String path, Duration timeout) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(SERVER.uri() + path)).timeout(timeout).build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anAnswerIsWellFormed() throws Exception {
    HttpResponse<String> response = get("/ok", Duration.ofSeconds(5));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void neverAnsweringHoldsTheConnectionUntilTheClientGivesUp() {
    assertThatThrownBy(() -> get("/anything", Duration.ofMillis(300))).isInstanceOf(HttpTimeoutException.class);
    assertThat(SERVER.requestLines()).contains("GET /anything HTTP/1.1");
  }

  @Test
  void dripSendsTheBodySlowly() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = get("/drip", Duration.ofSeconds(10));
    assertThat(response.body()).isEqualTo("0123456789");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(2000));
  }

  @Test
  void cutAfterEndsTheBodyShortOfItsLength() {
    assertThatThrownBy(() -> get("/cut", Duration.ofSeconds(5))).isInstanceOf(IOException.class);
  }

  @Test
  void ndjsonHugeAndHtmlAreCompleteButWrongBodies() throws Exception {
    assertThat(get("/ndjson", Duration.ofSeconds(5)).body()).isEqualTo("{\"a\":1}\n{\"error\":\"boom\"}\n");
    assertThat(get("/huge", Duration.ofSeconds(5)).body()).hasSize(100_000).doesNotContain("\n");
    HttpResponse<String> html = get("/html", Duration.ofSeconds(5));
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
  }

  @Test
  void busyCarriesRetryAfter() throws Exception {
    HttpResponse<String> response = get("/busy", Duration.ofSeconds(5));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("7");
  }

  @Test
  void linesAreStreamedOneAtATime() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(SERVER.uri() + "/lines")).build();
    List<String> lines = CLIENT.send(request, HttpResponse.BodyHandlers.ofLines()).body().toList();
    assertThat(lines).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":2}", "{\"n\":2}");
  }

  @Test
  void closeFreesConnectionsHeldOpen() throws Exception {
    try (HostileServer server = HostileServer.start(Misbehaviour.neverAnswer())) {
      var pending = CLIENT.sendAsync(HttpRequest.newBuilder(server.uri()).build(), HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 1);
      server.close();
      await().atMost(Duration.ofSeconds(5)).until(pending::isDone);
      assertThat(pending).isCompletedExceptionally();
    }
  }
}
