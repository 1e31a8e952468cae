package dev.headroom.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Raw DevTools Protocol access to one leased page: send any command on its flattened session and listen to its
 * events. Obtained from {@link BrowserSession#cdp()}; valid while the lease is held. Thread-safe.
 *
 * <pre>{@code
 * JsonNode metrics = session.cdp().send("Performance.getMetrics");
 * try (CdpSession.Subscription s = session.cdp().on("Page.frameNavigated", e -> log(e))) { ... }
 * }</pre>
 */
public final class CdpSession {
  private final BrowserSession owner;
  private final CdpConnection connection;
  private final String sessionId;
  private final ObjectMapper mapper;

  CdpSession(BrowserSession owner, CdpConnection connection, String sessionId, ObjectMapper mapper) {
    this.owner = owner;
    this.connection = connection;
    this.sessionId = sessionId;
    this.mapper = mapper;
  }

  /** The flattened DevTools session id of the page. */
  public String sessionId() {
    return sessionId;
  }

  /**
   * Sends a command without parameters and waits for its result (up to the pool's command timeout).
   *
   * @throws CdpException when the browser answers with an error
   * @throws BrowserException when the session has failed or ended
   */
  public JsonNode send(String method) {
    return send(method, Map.of());
  }

  /** Sends a command with parameters (converted with Jackson) and waits for its result. */
  public JsonNode send(String method, Map<String, ?> params) {
    Objects.requireNonNull(params, "params");
    return owner.await(sendAsync(method, params), method);
  }

  /**
   * Sends a command without waiting. The future completes with the {@code result} object or exceptionally with a
   * {@link BrowserException}; continuations run on the connection's reader thread, so keep them short.
   */
  public CompletableFuture<JsonNode> sendAsync(String method, Map<String, ?> params) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(params, "params");
    owner.checkUsable();
    return connection.send(sessionId, method, mapper.valueToTree(params));
  }

  /**
   * Calls {@code listener} with the {@code params} of each event {@code method} (e.g. {@code Page.loadEventFired})
   * of this page until the subscription is closed or the session ends. The listener runs on the connection's reader
   * thread: it must be short and must not wait for a reply on this session.
   */
  public Subscription on(String method, Consumer<JsonNode> listener) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(listener, "listener");
    owner.checkUsable();
    return connection.on(sessionId, method, listener);
  }

  @Override
  public String toString() {
    return "CdpSession{" + sessionId + " on " + connection.host() + '}';
  }

  /** A registered event listener; closing it unregisters the listener. */
  @FunctionalInterface
  public interface Subscription extends AutoCloseable {
    /** Unregisters the listener. Idempotent. */
    @Override
    void close();
  }
}
