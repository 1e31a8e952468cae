package dev.headroom.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.options.Cookie;
import dev.headroom.browser.BrowserHost;
import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.BrowserPoolConfig;
import dev.headroom.browser.BrowserPoolExhaustedException;
import dev.headroom.browser.BrowserSession;
import dev.headroom.testkit.browser.PageServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real Playwright for Java (its driver from Maven Central, no browser download) attached through {@link
 * DevToolsProxy} to leases of a pool on the real Chromium, with pages from a loopback HTTP server.
 */
class PlaywrightAttachTest {
  private static final Duration LEASE = Duration.ofSeconds(20);
  private static PageServer pages;
  private static BrowserPool pool;
  private static DevToolsProxy devtools;
  private static Playwright playwright;

  @BeforeAll
  static void start() {
    pages = PageServer.start();
    pool = BrowserPool.create(BrowserPoolConfig.builder("devtools")
        .host(BrowserHost.local("solo").maxSessions(2))
        .navigationTimeout(Duration.ofSeconds(10))
        .build());
    devtools = DevToolsProxy.create();
    playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
  }

  @AfterAll
  static void stop() {
    playwright.close();
    devtools.close();
    pool.close();
    pages.close();
  }

  @AfterEach
  void everySessionCameBack() {
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.leased() == 0);
  }

  private static Browser attach(BrowserSession session) {
    return playwright.chromium().connectOverCDP(devtools.endpoint(session).toString());
  }

  @Test
  void playwrightDrivesTheLeasedPageAndContext() {
    try (BrowserSession session = pool.lease(LEASE)) {
      Browser browser = attach(session);
      assertThat(browser.contexts()).hasSize(1);
      BrowserContext context = browser.contexts().get(0);
      assertThat(context.pages()).hasSize(1);
      Page page = context.pages().get(0);

      page.navigate(pages.url("/page?title=driven"));
      assertThat(page.title()).isEqualTo("driven");
      assertThat(session.evaluate("document.title").asText()).as("the same page as the lease's").isEqualTo("driven");

      context.addCookies(List.of(new Cookie("flavour", "oat").setUrl(pages.uri().toString())));
      assertThat(session.cookies()).as("the cookie went to the lease's context")
          .anySatisfy(c -> assertThat(c.name()).isEqualTo("flavour"));
      Page second = context.newPage();
      second.navigate(pages.url("/echo-cookies"));
      assertThat(second.textContent("body")).contains("flavour=oat");
      assertThat(context.pages()).hasSize(2);
      assertThat(context.cookies()).extracting(c -> c.name).containsExactly("flavour");

      browser.close(); // disconnects the client only
      session.navigate(pages.url("/page?title=still%20leased"));
      assertThat(session.evaluate("document.title").asText()).isEqualTo("still leased");
    }
  }

  @Test
  void anotherLeaseIsInvisibleAndTheContextsAreThePools() {
    try (BrowserSession other = pool.lease(LEASE); BrowserSession mine = pool.lease(LEASE)) {
      other.navigate(pages.url("/set-cookie?name=theirs&value=secret&title=other%20lease"));
      assertThat(other.cookies()).anySatisfy(c -> assertThat(c.name()).isEqualTo("theirs"));

      Browser browser = attach(mine);
      assertThat(browser.contexts()).hasSize(1);
      BrowserContext context = browser.contexts().get(0);
      assertThat(context.pages()).hasSize(1);
      assertThat(context.pages().get(0).url()).isEqualTo("about:blank");
      assertThat(context.cookies()).isEmpty();

      assertThatThrownBy(browser::newContext).isInstanceOf(PlaywrightException.class)
          .hasMessageContaining("the pool owns the browser contexts");
      assertThatThrownBy(browser::newBrowserCDPSession).isInstanceOf(PlaywrightException.class)
          .hasMessageContaining("not available on a leased DevTools endpoint");

      Page mine2 = context.newPage();
      mine2.navigate(pages.url("/echo-cookies"));
      assertThat(mine2.textContent("body")).doesNotContain("theirs");
      assertThat(other.evaluate("document.title").asText()).as("the other lease is untouched")
          .isEqualTo("other lease");
      browser.close();
    }
  }

  @Test
  void anotherLeasesNewPageDoesNotWaitForThisClient() {
    try (BrowserSession mine = pool.lease(LEASE)) {
      Browser browser = attach(mine); // auto-attach with waitForDebuggerOnStart, as Playwright always asks
      try (BrowserSession other = pool.lease(LEASE)) { // its page is created now: the browser pauses it for us
        long started = System.nanoTime();
        other.navigate(pages.url("/page?title=not%20stalled"));
        assertThat(other.evaluate("document.title").asText()).isEqualTo("not stalled");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      }
      assertThat(browser.contexts().get(0).pages()).hasSize(1);
      browser.close();
    }
  }

  @Test
  void endingTheLeaseDisconnectsPlaywrightAndTheCapHolds() {
    BrowserSession session = pool.lease(LEASE);
    URI endpoint = devtools.endpoint(session);
    assertThat(devtools.endpoint(session)).isEqualTo(endpoint);
    Browser first = playwright.chromium().connectOverCDP(endpoint.toString());
    first.close();
    Browser browser = playwright.chromium().connectOverCDP(endpoint.toString()); // again, the lease went on
    assertThatThrownBy(() -> playwright.chromium().connectOverCDP(endpoint.toString()))
        .as("one client at a time").isInstanceOf(PlaywrightException.class).hasMessageContaining("409");
    AtomicBoolean disconnected = new AtomicBoolean();
    browser.onDisconnected(b -> disconnected.set(true));
    Page page = browser.contexts().get(0).pages().get(0);

    try (BrowserSession second = pool.lease(LEASE)) {
      assertThatThrownBy(() -> pool.lease(Duration.ofMillis(300)))
          .as("a cap-2 pool with two leases, one of them driven by Playwright")
          .isInstanceOf(BrowserPoolExhaustedException.class);

      session.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try {
          page.title(); // a round trip to the driver, so that Playwright hears of the disconnect
        } catch (PlaywrightException expected) {
          // the page has gone with the connection
        }
        return !browser.isConnected();
      });
      assertThat(disconnected).isTrue();
      assertThat(pool.leased()).isEqualTo(1);
      try (BrowserSession third = pool.lease(Duration.ofSeconds(5))) {
        assertThat(third.browserContextId()).isNotEqualTo(session.browserContextId());
      }
      assertThatThrownBy(() -> playwright.chromium().connectOverCDP(endpoint.toString()))
          .as("the endpoint ended with its lease").isInstanceOf(PlaywrightException.class);
      assertThatThrownBy(() -> devtools.endpoint(session)).isInstanceOf(DevToolsProxyException.class)
          .hasMessageContaining("is closed");
      assertThat(second.evaluate("1 + 1").asInt()).isEqualTo(2);
    }
  }

  @Test
  void theNextLeaseInheritsNothingPlaywrightMade() {
    try (BrowserSession session = pool.lease(LEASE)) {
      Browser browser = attach(session);
      BrowserContext context = browser.contexts().get(0);
      context.newPage().navigate(pages.url("/set-cookie?name=left&value=behind&title=left%20behind"));
      context.addCookies(List.of(new Cookie("added", "too").setUrl(pages.uri().toString())));
      assertThat(context.pages()).hasSize(2);
      assertThat(session.cookies()).hasSize(2);
    }
    try (BrowserSession next = pool.lease(LEASE)) {
      assertThat(next.cookies()).isEmpty();
      Browser browser = attach(next);
      BrowserContext context = browser.contexts().get(0);
      assertThat(context.cookies()).isEmpty();
      assertThat(context.pages()).extracting(Page::url).containsExactly("about:blank");
      browser.close();
    }
  }

  @Test
  void theTokenIsNeverPrintedNorThrown() {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    StringBuilder seen = new StringBuilder();
    String token;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      BrowserSession session = pool.lease(LEASE);
      URI endpoint = devtools.endpoint(session);
      token = endpoint.getPath().substring(endpoint.getPath().lastIndexOf('/') + 1);
      assertThat(token).hasSizeGreaterThanOrEqualTo(40);
      Browser browser = playwright.chromium().connectOverCDP(endpoint.toString());
      seen.append(devtools).append(session).append(browser.contexts().get(0).pages().get(0).url());
      seen.append(catchMessage(browser::newContext));
      URI wrong = URI.create(endpoint.toString().replace(token, token.substring(1) + "A"));
      assertThat(handshakeStatus(wrong, Map.of())).as("a wrong token").isEqualTo(404);
      assertThat(handshakeStatus(endpoint, Map.of("Origin", "http://127.0.0.1:1"))).as("a web page").isEqualTo(403);
      session.close();
      seen.append(catchMessage(() -> devtools.endpoint(session)));
      seen.append(devtools);
    } finally {
      System.setErr(originalErr);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).as("the proxy logged the client's coming and going").contains("a DevTools client connected")
        .contains("the lease ended");
    assertThat(logs).doesNotContain(token);
    assertThat(seen.toString()).contains("DevToolsProxy{127.0.0.1:").doesNotContain(token);
  }

  /** The status of a bare WebSocket handshake with the JDK's client: 101 when it upgraded. */
  private static int handshakeStatus(URI uri, Map<String, String> headers) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    headers.forEach(builder::header);
    try {
      builder.buildAsync(uri, new WebSocket.Listener() { }).join().abort();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
  }

  private static String catchMessage(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      return e.toString();
    }
    throw new AssertionError("expected a failure");
  }
}
