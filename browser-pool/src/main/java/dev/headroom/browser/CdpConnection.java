package dev.headroom.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DevTools Protocol connection to a browser over the JDK's {@link WebSocket}, with Jackson for the JSON: command
 * ids, results, errors, events, and flattened sessions (each message to or from a page carries its
 * {@code sessionId}). Thread-safe: any thread may send; frames go out one at a time in the order they were sent.
 *
 * <p>Replies and events are handled on the WebSocket's reader thread. Event listeners run there too, so they must
 * be short and must never wait for another reply from this connection.
 */
final class CdpConnection {
  private static final Logger log = LoggerFactory.getLogger(CdpConnection.class);
  /** The session id used for browser-level commands and events (messages without a sessionId). */
  static final String BROWSER = "";

  private final String host;
  private final URI url;
  private final ObjectMapper mapper;
  private final Scheduler scheduler;
  private final long commandTimeoutNanos;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, List<Consumer<JsonNode>>> listeners = new ConcurrentHashMap<>();
  private final CompletableFuture<BrowserException> closed = new CompletableFuture<>();
  private final Object sendLock = new Object();
  private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
  private volatile WebSocket socket;

  private CdpConnection(String host, URI url, ObjectMapper mapper, Scheduler scheduler, Duration commandTimeout) {
    this.host = host;
    this.url = url;
    this.mapper = mapper;
    this.scheduler = scheduler;
    this.commandTimeoutNanos = commandTimeout.toNanos();
  }

  /** Opens a connection to a browser's {@code webSocketDebuggerUrl}. */
  static CompletableFuture<CdpConnection> connect(HttpClient client, URI url, String host, ObjectMapper mapper,
      Scheduler scheduler, Duration connectTimeout, Duration commandTimeout) {
    CdpConnection connection = new CdpConnection(host, url, mapper, scheduler, commandTimeout);
    return client.newWebSocketBuilder()
        .connectTimeout(connectTimeout)
        .buildAsync(url, connection.new Reader())
        .handle((socket, error) -> {
          if (error != null) {
            throw new BrowserLaunchException(host, "cannot open the DevTools connection " + url + ": " + error, error);
          }
          connection.socket = socket;
          return connection;
        });
  }

  /** The browser's DevTools WebSocket URL. */
  URI url() {
    return url;
  }

  /** The host this connection belongs to. */
  String host() {
    return host;
  }

  /**
   * Sends a command. The future completes with the command's {@code result} object, or exceptionally with a
   * {@link CdpException}, a {@link BrowserCrashedException} (connection lost) or a {@link BrowserException} (no
   * answer within the command timeout).
   *
   * @param sessionId {@link #BROWSER} or a flattened session id
   */
  CompletableFuture<JsonNode> send(String sessionId, String method, JsonNode params) {
    return send(sessionId, method, params, commandTimeoutNanos);
  }

  /** {@link #send(String, String, JsonNode)} with its own timeout instead of the connection's command timeout. */
  CompletableFuture<JsonNode> send(String sessionId, String method, JsonNode params, long timeoutNanos) {
    CompletableFuture<JsonNode> future = new CompletableFuture<>();
    BrowserException gone = closed.getNow(null);
    if (gone != null) {
      future.completeExceptionally(gone.again());
      return future;
    }
    long id = ids.incrementAndGet();
    ObjectNode message = mapper.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", params == null ? mapper.createObjectNode() : params);
    if (!sessionId.isEmpty()) {
      message.put("sessionId", sessionId);
    }
    String text;
    try {
      text = mapper.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      future.completeExceptionally(new BrowserException(host, "cannot encode " + method + ": " + e.getMessage(), e));
      return future;
    }
    Pending p = new Pending(sessionId, method, future);
    pending.put(id, p);
    Scheduler.Cancellable timeout = scheduler.schedule(timeoutNanos, () -> {
      if (pending.remove(id) != null) {
        future.completeExceptionally(new BrowserException(host, method + " got no answer within "
            + Duration.ofNanos(timeoutNanos).toMillis() + " ms"));
      }
    });
    future.whenComplete((result, error) -> timeout.cancel());
    gone = closed.getNow(null); // closed between the first check and registering: fail now, not at the timeout
    if (gone != null && pending.remove(id) != null) {
      future.completeExceptionally(gone.again());
      return future;
    }
    synchronized (sendLock) {
      WebSocket ws = socket;
      lastSend = lastSend.handle((ignored, error) -> null)
          .thenCompose(ignored -> ws.sendText(text, true))
          .whenComplete((ignored, error) -> {
            if (error != null && pending.remove(id) != null) {
              future.completeExceptionally(new BrowserCrashedException(host,
                  "cannot send " + method + " on the DevTools connection: " + error));
            }
          });
    }
    return future;
  }

  /**
   * Calls {@code listener} with the {@code params} of every event {@code method} on {@code sessionId}
   * ({@link #BROWSER} for browser-level events) until the subscription is closed.
   */
  CdpSession.Subscription on(String sessionId, String method, Consumer<JsonNode> listener) {
    String key = sessionId + '\u0000' + method;
    List<Consumer<JsonNode>> list = listeners.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    list.add(listener);
    return () -> list.remove(listener);
  }

  /** Fails the commands in flight on one session, e.g. after its page crashed. */
  void failSession(String sessionId, BrowserException error) {
    pending.entrySet().removeIf(entry -> {
      if (entry.getValue().sessionId.equals(sessionId)) {
        entry.getValue().future.completeExceptionally(error.again());
        return true;
      }
      return false;
    });
  }

  /** Removes every event listener of a session (when it ends). */
  void forgetSession(String sessionId) {
    listeners.keySet().removeIf(key -> key.startsWith(sessionId + '\u0000'));
  }

  /** Completes with the reason when the connection has closed, whoever closed it. */
  CompletableFuture<BrowserException> closeFuture() {
    return closed;
  }

  boolean isOpen() {
    return !closed.isDone();
  }

  /** Closes the connection; commands in flight and later ones fail with {@code reason}. */
  void close(BrowserException reason) {
    if (closed(reason)) {
      WebSocket ws = socket;
      if (ws != null) {
        ws.abort();
      }
    }
  }

  private boolean closed(BrowserException reason) {
    if (!closed.complete(reason)) {
      return false;
    }
    for (Long id : List.copyOf(pending.keySet())) {
      Pending p = pending.remove(id);
      if (p != null) {
        p.future.completeExceptionally(reason.again());
      }
    }
    return true;
  }

  private void dispatch(String text) {
    JsonNode message;
    try {
      message = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      log.warn("browser host '{}': unreadable DevTools message ({} chars): {}", host, text.length(), e.getMessage());
      return;
    }
    JsonNode id = message.get("id");
    if (id != null) {
      Pending p = pending.remove(id.asLong());
      if (p == null) {
        return; // timed out or failed meanwhile
      }
      JsonNode error = message.get("error");
      if (error != null) {
        String detail = error.path("message").asText("");
        JsonNode data = error.get("data");
        if (data != null && !data.isNull()) {
          detail = detail + ": " + (data.isTextual() ? data.asText() : data.toString());
        }
        p.future.completeExceptionally(new CdpException(host, p.method, error.path("code").asInt(), detail));
      } else {
        p.future.complete(message.path("result"));
      }
      return;
    }
    String method = message.path("method").asText("");
    String sessionId = message.path("sessionId").asText(BROWSER);
    List<Consumer<JsonNode>> list = listeners.get(sessionId + '\u0000' + method);
    if (list != null) {
      JsonNode params = message.path("params");
      for (Consumer<JsonNode> listener : list) {
        try {
          listener.accept(params);
        } catch (RuntimeException e) {
          log.warn("browser host '{}': listener for {} threw", host, method, e);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "CdpConnection{" + host + ", " + url + (isOpen() ? "" : ", closed") + '}';
  }

  /** A command waiting for its reply. */
  private record Pending(String sessionId, String method, CompletableFuture<JsonNode> future) {}

  /** Reads frames; called by the JDK one message part at a time. */
  private final class Reader implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        String text = buffer.toString();
        buffer.setLength(0);
        if (buffer.capacity() > 1 << 20) {
          buffer.trimToSize(); // do not keep a screenshot-sized buffer per connection
        }
        dispatch(text);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed(new BrowserCrashedException(host, "the DevTools connection was closed by the browser (" + statusCode
          + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")"));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed(new BrowserCrashedException(host, "the DevTools connection failed: " + error));
    }
  }
}
