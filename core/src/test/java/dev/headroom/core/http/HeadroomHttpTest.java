package dev.headroom.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Health;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HeadroomHttp} against real HTTP servers on loopback (the JDK's own server). */
class HeadroomHttpTest {
  private static final RouteOptions IDEMPOTENT = RouteOptions.builder().timeout(Duration.ofSeconds(10))
      .idempotent(true).build();

  private final List<HttpServer> servers = new ArrayList<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final CountDownLatch never = new CountDownLatch(1);
  private Router router;

  @AfterEach
  void stop() {
    never.countDown();
    if (router != null) {
      router.close();
    }
    servers.forEach(server -> server.stop(0));
  }

  /** A server that counts its requests and answers {@code status} with {@code body} (and any extra headers). */
  private URI server(String name, int status, String body, String... headers) throws IOException {
    return server(name, exchange -> {
      for (int i = 0; i < headers.length; i += 2) {
        exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
      }
      byte[] bytes = (body + " " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
  }

  private URI server(String name, HttpHandler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      hits.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      handler.handle(exchange);
    });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private int hits(String name) {
    AtomicInteger count = hits.get(name);
    return count == null ? 0 : count.get();
  }

  /** A router over endpoints in the order given, picked round robin so that the first call goes to the first. */
  private HeadroomHttp http(Map.Entry<String, URI>... endpoints) {
    PoolConfig.Builder config = PoolConfig.builder("backends").picker(Pickers.roundRobin()).noCircuitBreaker();
    for (Map.Entry<String, URI> endpoint : endpoints) {
      config.endpoint(Endpoint.of(endpoint.getKey(), endpoint.getValue(), 4));
    }
    router = Router.of(Pool.create(config.build()));
    return HeadroomHttp.of(router);
  }

  private static HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create("http://backends" + path)).GET().build();
  }

  @Test
  void aBusyReplyWithRetryAfterSendsTheRequestElsewhereAndBenchesTheEndpointWithoutFailingIt() throws Exception {
    HeadroomHttp http = http(Map.entry("busy", server("busy", 503, "full", "Retry-After", "30")),
        Map.entry("ok", server("ok", 200, "hello")));
    HttpResponse<String> reply = http.send(get("/api/chat?x=1"), BodyHandlers.ofString(), IDEMPOTENT);
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("hello /api/chat?x=1");
    assertThat(hits("busy")).isEqualTo(1);

    for (int i = 0; i < 10; i++) {
      http.send(get("/again"), BodyHandlers.ofString(), IDEMPOTENT);
    }
    assertThat(hits("busy")).as("skipped for its Retry-After").isEqualTo(1);
    Pool pool = router.tiers().get(0).pool();
    assertThat(pool.endpoint("busy").orElseThrow().ejections()).as("busy is not a failure").isZero();
  }

  @Test
  void aServerErrorIsRetriedElsewhereWhenIdempotentAndEndsTheRequestWhenNot() throws Exception {
    HeadroomHttp http = http(Map.entry("bad", server("bad", 500, "oops")), Map.entry("ok", server("ok", 200, "hi")));
    for (int i = 0; i < 4; i++) {
      assertThat(http.send(get("/a"), BodyHandlers.ofString(), IDEMPOTENT).body()).startsWith("hi");
    }
    assertThat(hits("bad")).as("round robin sent some to bad; each was retried on ok").isPositive();

    RouteOptions once = RouteOptions.builder().timeout(Duration.ofSeconds(10)).build(); // not idempotent
    int failed = 0;
    for (int i = 0; i < 4; i++) {
      int okBefore = hits("ok");
      try {
        http.send(get("/c"), BodyHandlers.ofString(), once);
      } catch (HttpStatusException e) {
        failed++;
        assertThat(e.status()).hasValue(500);
        assertThat(e.response().body()).isEqualTo("oops /c");
        assertThat(e.getMessage()).contains("'bad'").doesNotContain("127.0.0.1");
        assertThat(hits("ok")).as("not retried").isEqualTo(okBefore);
      }
    }
    assertThat(failed).isPositive();
  }

  @Test
  void aClientErrorIsNotRetriedAndNotHeldAgainstTheEndpoint() throws Exception {
    HeadroomHttp http = http(Map.entry("strict", server("strict", 404, "no such model")),
        Map.entry("ok", server("ok", 200, "hi")));
    int rejected = 0;
    for (int i = 0; i < 14; i++) { // more 404s than the consecutive failures that would eject it
      int okBefore = hits("ok");
      try {
        http.send(get("/missing"), BodyHandlers.ofString(), IDEMPOTENT);
      } catch (HttpStatusException e) {
        rejected++;
        assertThat(e.status()).hasValue(404);
        assertThat(hits("ok")).as("a rejected request is not retried").isEqualTo(okBefore);
      }
    }
    assertThat(rejected).isGreaterThanOrEqualTo(6);
    Pool pool = router.tiers().get(0).pool();
    assertThat(pool.endpoint("strict").orElseThrow().health(System.nanoTime())).isEqualTo(Health.UP);
    assertThat(pool.endpoint("strict").orElseThrow().ejections()).isZero();
  }

  @Test
  void aServerThatNeverAnswersEndsTheRequestAtItsDeadlineSyncAndAsync() throws Exception {
    HeadroomHttp http = http(Map.entry("silent", server("silent", exchange -> {
      try {
        never.await(); // accepts, reads, never answers
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    })));
    RouteOptions short_ = RouteOptions.builder().timeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(() -> http.send(get("/slow"), BodyHandlers.ofString(), short_))
        .isInstanceOf(RequestTimeoutException.class);

    CompletableFuture<HttpResponse<String>> later = http.sendAsync(get("/slow"), BodyHandlers.ofString(), short_);
    await().atMost(Duration.ofSeconds(5)).until(later::isDone);
    assertThatThrownBy(later::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RequestTimeoutException.class);
    Pool pool = router.tiers().get(0).pool();
    await().atMost(Duration.ofSeconds(5)).until(() -> pool.inFlight() == 0);
  }

  @Test
  void asyncCallsAreRoutedAndClassifiedTheSameWay() throws Exception {
    HeadroomHttp http = http(Map.entry("busy", server("busy", 429, "slow down", "Retry-After", "30")),
        Map.entry("ok", server("ok", 200, "hi")));
    HttpResponse<String> reply = http.sendAsync(get("/x"), BodyHandlers.ofString(), IDEMPOTENT)
        .get(5, TimeUnit.SECONDS);
    assertThat(reply.body()).isEqualTo("hi /x");
    assertThat(hits("busy")).isEqualTo(1);
  }

  @Test
  void theEndpointsPathPrefixIsKept() {
    assertThat(EndpointUri.resolve(URI.create("http://10.0.0.5:8080/v1/"), URI.create("http://openai/chat?stream=1")))
        .isEqualTo(URI.create("http://10.0.0.5:8080/v1/chat?stream=1"));
    assertThat(EndpointUri.resolve(URI.create("https://api.example.com"), URI.create("http://any")))
        .isEqualTo(URI.create("https://api.example.com/"));
  }

  @Test
  void retryAfterReadsSecondsAndHttpDates() {
    Clock clock = Clock.fixed(Instant.parse("2026-10-21T07:28:00Z"), ZoneOffset.UTC);
    assertThat(RetryAfter.parse("120", clock)).hasValue(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:28:30 GMT", clock)).hasValue(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:27:00 GMT", clock)).hasValue(Duration.ZERO);
    assertThat(RetryAfter.parse("soon", clock)).isEmpty();
    assertThat(RetryAfter.parse(null, clock)).isEmpty();
  }
}
