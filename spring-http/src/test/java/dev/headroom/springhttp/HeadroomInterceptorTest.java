package dev.headroom.springhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.route.Router;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

/** Spring's own RestClient through the interceptor, against real HTTP servers on loopback. */
class HeadroomInterceptorTest {
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

  private URI answering(String name, int status, String body, String... headers) throws IOException {
    return server(name, exchange -> {
      exchange.getRequestBody().readAllBytes();
      for (int i = 0; i < headers.length; i += 2) {
        exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
      }
      byte[] bytes = (body + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI())
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
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

  private RestClient client(HeadroomInterceptor.Builder interceptor) {
    return RestClient.builder().baseUrl("http://ollama")
        .requestFactory(new JdkClientHttpRequestFactory())
        .requestInterceptor(interceptor.build()).build();
  }

  private HeadroomInterceptor.Builder over(Map<String, URI> endpoints) {
    PoolConfig.Builder config = PoolConfig.builder("ollama").picker(Pickers.roundRobin()).noCircuitBreaker();
    endpoints.forEach((id, uri) -> config.endpoint(Endpoint.of(id, uri, 4)));
    router = Router.of(Pool.create(config.build()));
    return HeadroomInterceptor.builder(router);
  }

  private static Map<String, URI> ordered(Object... idsAndUris) {
    Map<String, URI> map = new LinkedHashMap<>();
    for (int i = 0; i < idsAndUris.length; i += 2) {
      map.put((String) idsAndUris[i], (URI) idsAndUris[i + 1]);
    }
    return map;
  }

  @Test
  void aBusyEndpointIsSkippedForItsRetryAfterAndTheRequestGoesElsewhere() throws IOException {
    Map<String, URI> endpoints = ordered("busy", answering("busy", 503, "full", "Retry-After", "30"),
        "ok", answering("ok", 200, "hello"));
    RestClient client = client(over(endpoints));
    for (int i = 0; i < 8; i++) {
      String body = client.post().uri("/api/chat?n=" + i).body("question").retrieve().body(String.class);
      assertThat(body).isEqualTo("hello POST /api/chat?n=" + i);
    }
    assertThat(hits("busy")).as("once, then skipped for 30 s").isEqualTo(1);
  }

  @Test
  void aServerErrorIsRetriedForAGetAndHandedBackForAPost() throws IOException {
    Map<String, URI> endpoints = ordered("bad", answering("bad", 500, "oops"), "ok", answering("ok", 200, "hi"));
    RestClient client = client(over(endpoints));
    for (int i = 0; i < 4; i++) {
      assertThat(client.get().uri("/models").retrieve().body(String.class)).isEqualTo("hi GET /models");
    }
    assertThat(hits("bad")).as("round robin sent some to bad; each was retried on ok").isPositive();

    int failed = 0;
    for (int i = 0; i < 4; i++) {
      int okBefore = hits("ok");
      try {
        client.post().uri("/generate").body("x").retrieve().body(String.class);
      } catch (HttpServerErrorException e) {
        failed++;
        assertThat(e.getStatusCode().value()).isEqualTo(500);
        assertThat(e.getResponseBodyAsString()).isEqualTo("oops POST /generate");
        assertThat(hits("ok")).as("a POST is not retried").isEqualTo(okBefore);
      }
    }
    assertThat(failed).isPositive();
  }

  @Test
  void aClientErrorIsReturnedAsItIsNotRetriedAndNotHeldAgainstTheEndpoint() throws IOException {
    Map<String, URI> endpoints = ordered("strict", answering("strict", 404, "no such model"),
        "ok", answering("ok", 200, "hi"));
    RestClient client = client(over(endpoints));
    int rejected = 0;
    for (int i = 0; i < 14; i++) {
      int okBefore = hits("ok");
      try {
        client.get().uri("/missing").retrieve().body(String.class);
      } catch (HttpClientErrorException.NotFound e) {
        rejected++;
        assertThat(e.getResponseBodyAsString()).isEqualTo("no such model GET /missing");
        assertThat(hits("ok")).as("not retried").isEqualTo(okBefore);
      }
    }
    assertThat(rejected).isGreaterThanOrEqualTo(6);
    Pool pool = router.tiers().get(0).pool();
    assertThat(pool.endpoint("strict").orElseThrow().ejections()).isZero();
    assertThat(pool.inFlight()).as("every lease ended").isZero();
  }

  @Test
  void aServerThatNeverAnswersEndsTheRequestAtTheTimeout() throws IOException {
    Map<String, URI> endpoints = ordered("silent", server("silent", exchange -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    RestClient client = client(over(endpoints).timeout(Duration.ofMillis(300)));
    assertThatThrownBy(() -> client.get().uri("/slow").retrieve().body(String.class))
        .isInstanceOf(RequestTimeoutException.class);
    assertThat(router.tiers().get(0).pool().inFlight()).isZero();
  }
}
