package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.core.HeadroomMetrics;
import dev.headroom.core.SpillReason;
import dev.headroom.testkit.browser.PageServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The session API against one real headless Chromium: pages come from an in-test HTTP server on loopback. */
class SessionApiTest {
  private static final Duration LEASE = Duration.ofSeconds(20);
  private static PageServer pages;
  private static BrowserPool pool;
  private static SimpleMeterRegistry registry;

  @BeforeAll
  static void start() {
    pages = PageServer.start();
    registry = new SimpleMeterRegistry();
    pool = BrowserPool.create(BrowserPoolConfig.builder("api")
        .host(BrowserHost.local("solo").maxSessions(3))
        .meterRegistry(registry)
        .build());
  }

  @AfterAll
  static void stop() {
    pool.close();
    pages.close();
  }

  @AfterEach
  void everySessionCameBack() {
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.leased() == 0);
  }

  @Test
  void navigatesWaitsForLoadAndEvaluatesToJson() {
    try (BrowserSession session = pool.lease(LEASE)) {
      session.navigate(pages.url("/page?title=hello%20world"));
      assertThat(session.evaluate("document.title").asText()).isEqualTo("hello world");
      assertThat(session.evaluate("document.readyState").asText()).isEqualTo("complete");
      JsonNode object = session.evaluate("({a: 1, b: [true, 'x'], c: null})");
      assertThat(object.path("a").asInt()).isEqualTo(1);
      assertThat(object.path("b").get(1).asText()).isEqualTo("x");
      assertThat(object.get("c").isNull()).isTrue();
      assertThat(session.evaluate("new Promise(r => setTimeout(() => r(42), 10))").asInt()).isEqualTo(42);
      assertThat(session.evaluate("undefined").isMissingNode()).isTrue();
      assertThat(session.evaluate("NaN").asText()).isEqualTo("NaN");
      assertThat(session.evaluate("[1, 2, 3]", int[].class)).containsExactly(1, 2, 3);
      assertThat(session.evaluate("location.href").asText()).startsWith(pages.uri().toString());
      session.navigate(pages.url("/page?title=second#part")); // a new document, then a fragment change
      session.navigate(pages.url("/page?title=second#other"));
      assertThat(session.evaluate("location.hash").asText()).isEqualTo("#other");
    }
  }

  @Test
  void scriptErrorsAndFailedNavigationsAreTyped() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (BrowserSession session = pool.lease(LEASE)) {
      assertThatThrownBy(() -> session.evaluate("notDefined + 1"))
          .isInstanceOf(EvaluationException.class)
          .hasMessageContaining("ReferenceError")
          .hasMessageContaining("notDefined");
      assertThatThrownBy(() -> session.evaluate("Promise.reject(new Error('nope'))"))
          .isInstanceOf(EvaluationException.class)
          .hasMessageContaining("nope");
      assertThatThrownBy(() -> session.navigate("http://127.0.0.1:" + closedPort + "/"))
          .isInstanceOfSatisfying(NavigationException.class, e -> {
            assertThat(e.errorText()).isEqualTo("net::ERR_CONNECTION_REFUSED");
            assertThat(e.host()).isEqualTo("solo");
          });
      // the session still works after both
      session.navigate(pages.url("/page?title=after"));
      assertThat(session.evaluate("document.title").asText()).isEqualTo("after");
    }
  }

  @Test
  void screenshotIsAPngOfTheServedPage() throws Exception {
    try (BrowserSession session = pool.lease(LEASE)) {
      session.navigate(pages.url("/page?title=shot&color=%23ff8000"));
      int width = session.evaluate("Math.round(innerWidth * devicePixelRatio)").asInt();
      int height = session.evaluate("Math.round(innerHeight * devicePixelRatio)").asInt();
      byte[] png = session.screenshot();
      assertThat(png).startsWith(0x89, 'P', 'N', 'G');
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertThat(image).isNotNull();
      assertThat(image.getWidth()).isEqualTo(width).isGreaterThan(100);
      assertThat(image.getHeight()).isEqualTo(height).isGreaterThan(100);
      int rgb = image.getRGB(image.getWidth() / 2, image.getHeight() - 5) & 0xffffff; // background, below the text
      assertThat(rgb).isEqualTo(0xff8000);
    }
  }

  @Test
  void cookiesAndLocalStorageAreIsolatedBetweenSessionsOnTheSameHost() {
    try (BrowserSession a = pool.lease(LEASE); BrowserSession b = pool.lease(LEASE)) {
      assertThat(a.host()).isEqualTo(b.host());
      assertThat(a.browserContextId()).isNotEqualTo(b.browserContextId());
      a.navigate(pages.url("/set-cookie?name=server&value=A"));
      a.evaluate("document.cookie = 'script=A; path=/'; localStorage.setItem('k', 'A'); true");
      assertThat(a.evaluate("document.cookie").asText()).contains("server=A").contains("script=A");
      assertThat(a.cookies()).extracting(Cookie::name).contains("server", "script");

      b.navigate(pages.url("/echo-cookies"));
      assertThat(b.evaluate("document.getElementById('t').textContent").asText()).isEmpty(); // no Cookie header
      assertThat(b.evaluate("document.cookie").asText()).isEmpty();
      assertThat(b.evaluate("localStorage.getItem('k')").isNull()).isTrue();
      assertThat(b.cookies()).isEmpty();

      a.navigate(pages.url("/echo-cookies"));
      assertThat(a.evaluate("document.getElementById('t').textContent").asText()).contains("server=A");
    }
    try (BrowserSession c = pool.lease(LEASE)) { // a new context after A was disposed starts empty too
      c.navigate(pages.url("/page?title=c"));
      assertThat(c.cookies()).isEmpty();
      assertThat(c.evaluate("localStorage.length").asInt()).isZero();
    }
  }

  @Test
  void rawCdpAccessAndAttachUrls() throws Exception {
    try (BrowserSession session = pool.lease(LEASE); ChromiumProbe probe = ChromiumProbe.connect(session.webSocketUrl())) {
      session.navigate(pages.url("/page?title=raw"));
      JsonNode reply = session.cdp().send("Runtime.evaluate", Map.of("expression", "6 * 7", "returnByValue", true));
      assertThat(reply.path("result").path("value").asInt()).isEqualTo(42);
      assertThatThrownBy(() -> session.cdp().send("Nope.nothing"))
          .isInstanceOfSatisfying(CdpException.class, e -> {
            assertThat(e.code()).isEqualTo(-32601);
            assertThat(e.method()).isEqualTo("Nope.nothing");
          });
      List<JsonNode> events = new CopyOnWriteArrayList<>();
      try (CdpSession.Subscription subscription = session.cdp().on("Runtime.consoleAPICalled", events::add)) {
        session.cdp().send("Runtime.enable");
        session.evaluate("console.log('from the page'); 1");
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
      }
      assertThat(events.get(0).path("args").get(0).path("value").asText()).isEqualTo("from the page");

      // another client on the browser's WebSocket URL sees this page in this context
      JsonNode target = probe.pagesInContexts().stream()
          .filter(t -> t.path("targetId").asText().equals(session.targetId())).findFirst().orElseThrow();
      assertThat(target.path("browserContextId").asText()).isEqualTo(session.browserContextId());
      assertThat(target.path("title").asText()).isEqualTo("raw");
      assertThat(session.pageWebSocketUrl().toString())
          .isEqualTo("ws://127.0.0.1:" + session.webSocketUrl().getPort() + "/devtools/page/" + session.targetId());
    }
  }

  @Test
  void theCdpClientIsThreadSafe() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try (BrowserSession session = pool.lease(LEASE)) {
      session.navigate(pages.url("/page?title=threads"));
      List<Future<List<Integer>>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(threads.submit(() -> {
          List<Integer> got = new ArrayList<>();
          for (int i = 0; i < 40; i++) {
            got.add(session.evaluate(thread * 1000 + i + " + 0").asInt());
          }
          return got;
        }));
      }
      for (int t = 0; t < 8; t++) {
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          expected.add(t * 1000 + i);
        }
        assertThat(results.get(t).get()).isEqualTo(expected);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aRendererCrashFailsOnlyThatSession() {
    double before = crashes("renderer");
    try (BrowserSession healthy = pool.lease(LEASE); BrowserSession doomed = pool.lease(LEASE)) {
      healthy.navigate(pages.url("/page?title=healthy"));
      doomed.navigate(pages.url("/page?title=doomed"));
      doomed.cdp().sendAsync("Page.crash", Map.of()); // the renderer dies before it could answer
      await().atMost(Duration.ofSeconds(20)).until(() -> doomed.failure().isPresent());
      assertThatThrownBy(() -> doomed.evaluate("1"))
          .isInstanceOfSatisfying(TargetCrashedException.class,
              e -> assertThat(e.targetId()).isEqualTo(doomed.targetId()));
      assertThat(healthy.evaluate("document.title").asText()).isEqualTo("healthy");
      assertThat(pool.leased()).isEqualTo(2); // the crashed session keeps its slot until it is closed
    }
    assertThat(crashes("renderer")).isEqualTo(before + 1);
    assertThat(crashes("browser")).isZero();
    assertThat(pool.host("solo").orElseThrow().generation()).isEqualTo(1); // the browser itself carried on
  }

  @Test
  void aContextReadyAfterTheCallerGaveUpWaitsWarmForTheNextCallerAndNothingLeaks() throws Exception {
    try (ChromiumProbe probe = ChromiumProbe.connect(pool, "solo")) {
      int before = probe.contexts().size();
      int idleBefore = pool.host("solo").orElseThrow().idle();
      // the slot is free, so the lease gets it at once; its context cannot be ready within a zero budget
      assertThatThrownBy(() -> pool.lease(Duration.ZERO))
          .isInstanceOfSatisfying(BrowserPoolExhaustedException.class, e -> {
            assertThat(e.lastReason()).isEqualTo(SpillReason.DEADLINE);
            assertThat(e.getMessage()).contains("while a context was being created on host 'solo'");
          });
      // the slot comes back, and the context is the pool's warm one (counted, within the cap), not a leak
      await().atMost(Duration.ofSeconds(10))
          .until(() -> pool.leased() == 0 && pool.host("solo").orElseThrow().idle() == idleBefore + 1);
      assertThat(probe.contexts()).hasSize(before + 1);
      try (BrowserSession next = pool.lease(LEASE)) {
        assertThat(next.evaluate("1").asInt()).isEqualTo(1);
      }
      // its session ended: the context is disposed and Chromium holds what it held before
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.contexts().size() == before);
    }
  }

  @Test
  void sessionMetricsUseTheCoreNamesPerHost() {
    try (BrowserSession one = pool.lease(LEASE); BrowserSession two = pool.lease(LEASE)) {
      assertThat(registry.get(HeadroomMetrics.INFLIGHT).tag("pool", "api").tag("endpoint", "solo").gauge().value())
          .isEqualTo(2.0);
      assertThat(one.heldFor()).isPositive();
      assertThat(two.isClosed()).isFalse();
    }
    assertThat(registry.get(HeadroomMetrics.INFLIGHT).tag("endpoint", "solo").gauge().value()).isZero();
    assertThat(registry.get(BrowserMetricNames.LEASE_WAIT).tag("endpoint", "solo").timer().count()).isPositive();
    assertThat(registry.get(HeadroomMetrics.REQUESTS).tag("endpoint", "solo").tag("outcome", "success")
        .counter().count()).isPositive();
    assertThat(registry.get(HeadroomMetrics.QUEUE_DEPTH).tag("pool", "api").gauge().value()).isZero();
    assertThat(registry.get(BrowserMetricNames.RSS).tag("endpoint", "solo").gauge()).isNotNull();
  }

  @Test
  void aClosedSessionRefusesCalls() {
    BrowserSession session = pool.lease(LEASE);
    session.close();
    session.close(); // idempotent
    assertThat(session.isClosed()).isTrue();
    assertThatThrownBy(() -> session.evaluate("1")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void whenEndedCompletesWhenTheSessionIsClosedWhileItsContextStillExists() throws Exception {
    BrowserSession session = pool.lease(LEASE);
    CompletableFuture<Set<String>> contextsAtTheEnd = new CompletableFuture<>();
    try (ChromiumProbe probe = ChromiumProbe.connect(session.webSocketUrl())) {
      session.whenEnded().thenRun(() -> {
        try {
          contextsAtTheEnd.complete(probe.contexts());
        } catch (Exception e) {
          contextsAtTheEnd.completeExceptionally(e);
        }
      });
      assertThat(contextsAtTheEnd).isNotDone();
      session.close();
      assertThat(contextsAtTheEnd.get(10, TimeUnit.SECONDS)).contains(session.browserContextId());
      assertThat(probe.contexts()).doesNotContain(session.browserContextId());
    }
  }

  private static double crashes(String kind) {
    var counter = registry.find(BrowserMetricNames.CRASHES).tag("endpoint", "solo").tag("kind", kind).counter();
    return counter == null ? 0 : counter.count();
  }
}
