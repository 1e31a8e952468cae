package dev.headroom.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.headroom.core.Lease;
import dev.headroom.core.time.Scheduler;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A leased, isolated browser session: one fresh browser context (its own cookies, storage and cache) with one page.
 * Close it to give the slot back; closing disposes the context.
 *
 * <pre>{@code
 * try (BrowserSession session = pool.lease(Duration.ofSeconds(5))) {
 *   session.navigate("https://example.com/");
 *   String title = session.evaluate("document.title").asText();
 *   byte[] png = session.screenshot();
 * }
 * }</pre>
 *
 * <p>To drive the session with Playwright inside its context only, give Playwright's {@code connectOverCDP} the
 * endpoint of {@code headroom-browser-devtools}' {@code DevToolsProxy}. {@link #webSocketUrl()} is the whole
 * browser (every lease's pages; for a client trusted with all of them, with {@link #browserContextId()} and {@link
 * #targetId()}), {@link #pageWebSocketUrl()} the page alone; or send raw commands through {@link #cdp()}.
 *
 * <p>Thread-safe. When the page's renderer crashes every later call throws {@link TargetCrashedException}; when the
 * browser goes away they throw {@link BrowserCrashedException} (and the slot has already been given back).
 */
public final class BrowserSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrowserSession.class);

  private final HostSupervisor host;
  private final PoolResources runtime;
  private final PageContext context;
  private final Lease lease;
  private final CdpConnection connection;
  private final CdpSession cdp;
  private final Throwable leasedAt;
  private final long leasedAtNanos;
  private final String leasedBy;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<CompletableFuture<?>> waits = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final CdpSession.Subscription crashWatch;
  private volatile BrowserException failure;
  private volatile Scheduler.Cancellable leakCheck;
  private volatile boolean reportedLeak;

  BrowserSession(HostSupervisor host, PoolResources runtime, PageContext context, Lease lease, Throwable leasedAt) {
    this.host = host;
    this.runtime = runtime;
    this.context = context;
    this.lease = lease;
    this.connection = context.browser().cdp();
    this.cdp = new CdpSession(this, connection, context.sessionId(), runtime.mapper);
    this.leasedAt = leasedAt;
    this.leasedAtNanos = runtime.ticker.read();
    this.leasedBy = Thread.currentThread().getName();
    this.crashWatch = connection.on(context.sessionId(), "Inspector.targetCrashed", params ->
        host.rendererCrashed(this, new TargetCrashedException(host.id(), context.targetId(), "Inspector.targetCrashed")));
  }

  /** The id of the host this session runs on. */
  public String host() {
    return host.id();
  }

  /** The page's DevTools target id. */
  public String targetId() {
    return context.targetId();
  }

  /** The flattened DevTools session id attached to the page. */
  public String sessionId() {
    return context.sessionId();
  }

  /** The isolated browser context the page lives in. */
  public String browserContextId() {
    return context.browserContextId();
  }

  /**
   * The browser's DevTools WebSocket URL ({@code ws://host:port/devtools/browser/<id>}): the whole browser, every
   * lease's contexts included. For a client that should see this session only, use {@code headroom-browser-devtools}.
   */
  public URI webSocketUrl() {
    return context.browser().webSocketUrl();
  }

  /** The page's own DevTools WebSocket URL ({@code ws://host:port/devtools/page/<targetId>}). */
  public URI pageWebSocketUrl() {
    URI browser = webSocketUrl();
    try {
      return new URI(browser.getScheme(), null, browser.getHost(), browser.getPort(),
          "/devtools/page/" + context.targetId(), null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Raw DevTools access to the page. */
  public CdpSession cdp() {
    return cdp;
  }

  /**
   * Navigates the page and waits for its load event. The pool's navigation timeout covers the whole navigation,
   * from the moment {@code Page.navigate} is sent: the server's answer (Chromium answers {@code Page.navigate} once
   * the response has started) and the load event share one deadline. When it passes, the navigation is stopped
   * ({@code Page.stopLoading}) so the session can navigate again, and a {@link NavigationTimeoutException} is
   * thrown. A same-document navigation (a change of fragment) returns at once.
   *
   * @throws NavigationTimeoutException when the page has not loaded within the navigation timeout
   * @throws NavigationException when the navigation fails (DNS, connection refused, ...)
   */
  public void navigate(String url) {
    Objects.requireNonNull(url, "url");
    if (url.isBlank()) {
      throw new IllegalArgumentException("url must not be blank");
    }
    checkUsable();
    Duration timeout = runtime.config.navigationTimeout();
    long deadline = runtime.ticker.read() + timeout.toNanos();
    CompletableFuture<Void> loaded = new CompletableFuture<>();
    Set<String> loadedLoaders = ConcurrentHashMap.newKeySet();
    AtomicReference<String> expected = new AtomicReference<>();
    waits.add(loaded);
    try (CdpSession.Subscription lifecycle = connection.on(sessionId(), "Page.lifecycleEvent", event -> {
      if ("load".equals(event.path("name").asText())) {
        String loader = event.path("loaderId").asText();
        loadedLoaders.add(loader);
        if (loader.equals(expected.get())) {
          loaded.complete(null);
        }
      }
    })) {
      checkUsable();
      ObjectNode params = runtime.mapper.createObjectNode().put("url", url);
      // the command's own timer is only a backstop: the navigation deadline below fires first
      CompletableFuture<JsonNode> navigated = connection.send(sessionId(), "Page.navigate", params,
          timeout.toNanos() + runtime.config.commandTimeout().toNanos());
      JsonNode result = awaitNavigation(navigated, deadline, url, timeout, "the server had not answered");
      String error = result.path("errorText").asText("");
      if (!error.isEmpty()) {
        throw new NavigationException(host.id(), url, error);
      }
      String loaderId = result.path("loaderId").asText("");
      if (loaderId.isEmpty()) {
        return; // same-document navigation: there is no load event
      }
      expected.set(loaderId);
      if (loadedLoaders.contains(loaderId)) {
        return;
      }
      awaitNavigation(loaded, deadline, url, timeout, "no load event yet");
    } finally {
      waits.remove(loaded);
    }
  }

  /** Waits for one step of a navigation until its deadline; past it, stops the navigation and throws. */
  private <T> T awaitNavigation(CompletableFuture<T> step, long deadline, String url, Duration timeout,
      String stage) {
    try {
      return step.get(Math.max(0, deadline - runtime.ticker.read()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      stopLoading();
      throw new NavigationTimeoutException(host.id(), url, timeout, stage);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopLoading();
      throw new BrowserException(host.id(), "interrupted while navigating to " + Urls.redact(url), e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause(), "navigation");
    }
  }

  /**
   * Stops the page's navigation without waiting: commands on a session run in order, so whatever the caller sends
   * next runs after the stop.
   */
  private void stopLoading() {
    if (failure != null || closed.get()) {
      return;
    }
    connection.send(sessionId(), "Page.stopLoading", runtime.mapper.createObjectNode())
        .whenComplete((ignored, error) -> {
          if (error != null) {
            log.debug("browser host '{}': stopping a timed-out navigation failed: {}", host.id(), error.toString());
          }
        });
  }

  /**
   * Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value as JSON:
   * {@link MissingNode} for {@code undefined}, a text node for values JSON cannot hold ({@code NaN}, {@code 1n}).
   *
   * @throws EvaluationException when the script throws
   */
  public JsonNode evaluate(String expression) {
    Objects.requireNonNull(expression, "expression");
    checkUsable();
    ObjectNode params = runtime.mapper.createObjectNode()
        .put("expression", expression)
        .put("returnByValue", true)
        .put("awaitPromise", true);
    JsonNode reply = await(connection.send(sessionId(), "Runtime.evaluate", params), "Runtime.evaluate");
    JsonNode exception = reply.get("exceptionDetails");
    if (exception != null) {
      String description = exception.path("exception").path("description").asText("");
      throw new EvaluationException(host.id(), description.isEmpty() ? exception.path("text").asText("?")
          : description);
    }
    JsonNode result = reply.path("result");
    if (result.has("value")) {
      return result.get("value");
    }
    if (result.has("unserializableValue")) {
      return TextNode.valueOf(result.get("unserializableValue").asText());
    }
    return MissingNode.getInstance();
  }

  /** Evaluates an expression and converts its JSON value with Jackson. */
  public <T> T evaluate(String expression, Class<T> type) {
    Objects.requireNonNull(type, "type");
    JsonNode value = evaluate(expression);
    try {
      return runtime.mapper.treeToValue(value, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new BrowserException(host.id(), "cannot read the value of '" + abbreviate(expression) + "' as "
          + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** A PNG of the page's viewport. */
  public byte[] screenshot() {
    checkUsable();
    ObjectNode params = runtime.mapper.createObjectNode().put("format", "png");
    JsonNode reply = await(connection.send(sessionId(), "Page.captureScreenshot", params), "Page.captureScreenshot");
    return Base64.getDecoder().decode(reply.path("data").asText());
  }

  /** Every cookie of this session's browser context. */
  public List<Cookie> cookies() {
    checkUsable();
    ObjectNode params = runtime.mapper.createObjectNode().put("browserContextId", browserContextId());
    JsonNode reply = await(connection.send(CdpConnection.BROWSER, "Storage.getCookies", params),
        "Storage.getCookies");
    List<Cookie> cookies = new ArrayList<>();
    for (JsonNode c : reply.path("cookies")) {
      cookies.add(new Cookie(c.path("name").asText(), c.path("value").asText(), c.path("domain").asText(),
          c.path("path").asText(), c.path("expires").asDouble(-1), c.path("httpOnly").asBoolean(),
          c.path("secure").asBoolean(), c.path("sameSite").asText("")));
    }
    return cookies;
  }

  /** Why the session failed (renderer crash, browser crash, pool closed), if it did. */
  public Optional<BrowserException> failure() {
    return Optional.ofNullable(failure);
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /** How long the session has been leased. */
  public Duration heldFor() {
    return Duration.ofNanos(runtime.ticker.read() - leasedAtNanos);
  }

  /**
   * Completes once the session has ended: closed by its holder, or ended by the pool (its browser crashed or was
   * retired, the pool was closed). When it is closed, this completes before its browser context is disposed, so
   * whatever hangs on the session (a DevTools proxy) can let go first. Continuations run on the thread that ends
   * the session: keep them short.
   */
  public CompletionStage<Void> whenEnded() {
    return ended.minimalCompletionStage();
  }

  /** Disposes the browser context and gives the slot back. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ended.complete(null);
    Scheduler.Cancellable check = leakCheck;
    if (check != null) {
      check.cancel();
    }
    crashWatch.close();
    BrowserException failed = failure;
    if (!(failed instanceof BrowserCrashedException) && !(failed instanceof SessionTerminatedException)) {
      try {
        context.browser().dispose(browserContextId()).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        log.debug("browser host '{}': disposing context {} failed: {}", host.id(), browserContextId(),
            e.getCause().toString());
      }
    }
    connection.forgetSession(sessionId());
    if (failed == null) {
      lease.success();
    } else {
      lease.failure(failed);
    }
    if (reportedLeak) {
      log.info("browser host '{}': the session reported as leaked was returned after {} ms", host.id(),
          heldFor().toMillis());
    }
    host.sessionEnded(this);
  }

  @Override
  public String toString() {
    return "BrowserSession{" + host.id() + ", target " + targetId() + (closed.get() ? ", closed" : "")
        + (failure != null ? ", failed" : "") + '}';
  }

  // ------------------------------------------------------------------ package-private

  PageContext context() {
    return context;
  }

  /** The pool ends this session (browser gone, pool closed): fail it and give its slot back now. */
  void terminate(BrowserException reason) {
    fail(reason);
    ended.complete(null);
    lease.failure(reason);
  }

  /** The page's renderer crashed; returns whether this was news. The slot stays held until close(). */
  boolean crashed(TargetCrashedException error) {
    return fail(error);
  }

  void leakCheck(Scheduler.Cancellable check) {
    this.leakCheck = check;
  }

  /** A leak report if the session is still open (and marks it reported). */
  Optional<LeaseLeak> leak() {
    if (closed.get() || leasedAt == null) {
      return Optional.empty();
    }
    reportedLeak = true;
    return Optional.of(new LeaseLeak(runtime.name, host.id(), targetId(), heldFor(), leasedBy, leasedAt));
  }

  HostSupervisor hostRuntime() {
    return host;
  }

  void checkUsable() {
    if (closed.get()) {
      throw new IllegalStateException("the browser session " + targetId() + " on host '" + host.id()
          + "' is closed");
    }
    BrowserException failed = failure;
    if (failed != null) {
      throw failed.again();
    }
  }

  <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrowserException(host.id(), "interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause(), what);
    }
  }

  private boolean fail(BrowserException error) {
    synchronized (this) {
      if (failure != null) {
        return false;
      }
      failure = error;
    }
    connection.failSession(sessionId(), error);
    for (CompletableFuture<?> wait : waits) {
      wait.completeExceptionally(error.again());
    }
    return true;
  }

  private RuntimeException rethrow(Throwable cause, String what) {
    if (cause instanceof BrowserException browser) {
      return browser;
    }
    if (cause instanceof RuntimeException unchecked) {
      return unchecked;
    }
    return new BrowserException(host.id(), what + " failed: " + cause, cause);
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
