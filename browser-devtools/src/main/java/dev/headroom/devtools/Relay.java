package dev.headroom.devtools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's connection to a leased DevTools endpoint: the client's WebSocket (Jetty) on one side, a WebSocket
 * of its own to the browser (the JDK's) on the other, and a {@link LeaseScope} deciding what crosses. The pool's own
 * DevTools connection is never involved, so relaying cannot hold up its reader, and each side has a bounded
 * {@link Outbox}: a client that reads too slowly, or writes faster than the browser takes it, is disconnected.
 *
 * <p>Ending it, from either side or by the lease, closes both sockets; the lease itself goes on.
 */
final class Relay {
  private static final Logger log = LoggerFactory.getLogger(Relay.class);
  static final int GOING_AWAY = 1001;
  static final int POLICY = 1008;
  static final int SERVER_ERROR = 1011;

  private final LeaseEndpoint endpoint;
  private final ObjectMapper mapper;
  private final LeaseScope scope;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final CompletableFuture<WebSocket> browser = new CompletableFuture<>();
  private final Outbox toClient;
  private final Outbox toBrowser;
  private final LeaseScope.Sink sink;
  private final ClientSide clientSide = new ClientSide(this);
  private volatile Session client;

  Relay(LeaseEndpoint endpoint, ObjectMapper mapper, LeaseScope scope, long backlog) {
    this.endpoint = endpoint;
    this.mapper = mapper;
    this.scope = scope;
    this.toClient = new Outbox(backlog, this::sendToClient,
        why -> end(POLICY, "the client fell behind", "the client fell behind (" + why + ")"));
    this.toBrowser = new Outbox(backlog, text -> browser.thenCompose(ws -> ws.sendText(text, true)),
        why -> end(POLICY, "the browser fell behind", "messages to the browser backed up (" + why + ")"));
    this.sink = new LeaseScope.Sink() {
      @Override
      public void toClient(ObjectNode message) {
        toClient.send(write(message));
      }

      @Override
      public void toBrowser(ObjectNode message) {
        toBrowser.send(write(message));
      }
    };
  }

  // ------------------------------------------------------------------ the client's side (Jetty)

  /** What Jetty calls for the client's WebSocket. */
  ClientSide clientSide() {
    return clientSide;
  }

  void opened(Session session) {
    this.client = session;
    if (ended.get()) {
      session.close(GOING_AWAY, "the lease ended", Callback.NOOP);
      return;
    }
    endpoint.connectToBrowser(new BrowserSide()).whenComplete((ws, error) -> {
      if (error != null) {
        end(SERVER_ERROR, "cannot reach the browser", "cannot open a DevTools connection to the browser: " + error);
      } else if (!browser.complete(ws) || ended.get()) {
        ws.abort();
      }
    });
    log.info("{}: a DevTools client connected", endpoint);
  }

  void received(String text) {
    if (ended.get()) {
      return;
    }
    JsonNode message;
    try {
      message = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      end(POLICY, "not JSON", "the client sent a message that is not JSON (" + text.length() + " chars)");
      return;
    }
    if (!(message instanceof ObjectNode object)) {
      end(POLICY, "not a JSON object", "the client sent a message that is not a JSON object");
      return;
    }
    scope.fromClient(object, sink);
  }

  /**
   * Jetty's listener of the client's WebSocket. Jetty calls it through method handles, which need a public class:
   * public here, but nested in a package-private class, so not part of the API.
   */
  public static final class ClientSide implements Session.Listener.AutoDemanding {
    private final Relay relay;

    ClientSide(Relay relay) {
      this.relay = relay;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      relay.opened(session);
    }

    @Override
    public void onWebSocketText(String text) {
      relay.received(text);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      relay.end(0, null, "the client disconnected (" + statusCode + ")");
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      relay.end(SERVER_ERROR, "error", "the client's connection failed: " + cause);
    }
  }

  private CompletableFuture<?> sendToClient(String text) {
    Session session = client;
    CompletableFuture<Void> sent = new CompletableFuture<>();
    session.sendText(text, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
    return sent;
  }

  // ------------------------------------------------------------------ ending

  /**
   * Closes both sides once: the client's with {@code code} and {@code reason} (none when the client closed it), the
   * browser connection at once, so that nothing the client sent after this reaches the browser.
   */
  void end(int code, String reason, String why) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    toClient.close();
    toBrowser.close();
    WebSocket ws = browser.getNow(null);
    if (ws != null) {
      ws.abort();
    } else {
      browser.cancel(false);
    }
    Session session = client;
    if (session != null && code != 0 && session.isOpen()) {
      session.close(code, reason, Callback.NOOP);
    }
    endpoint.relayEnded(this);
    log.info("{}: the DevTools client's connection ended: {}", endpoint, why);
  }

  boolean isEnded() {
    return ended.get();
  }

  private String write(ObjectNode message) {
    try {
      return mapper.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written", e);
    }
  }

  // ------------------------------------------------------------------ the browser's side (JDK WebSocket)

  /** Reads the browser's messages; never blocks, so the browser is read as fast as it writes. */
  private final class BrowserSide implements WebSocket.Listener {
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
          buffer.trimToSize();
        }
        if (!ended.get()) {
          try {
            if (mapper.readTree(text) instanceof ObjectNode message) {
              scope.fromBrowser(message, sink);
            }
          } catch (JsonProcessingException e) {
            log.warn("{}: unreadable DevTools message from the browser ({} chars)", endpoint, text.length());
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      end(GOING_AWAY, "the browser closed the connection", "the browser closed the DevTools connection ("
          + statusCode + ")");
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      end(GOING_AWAY, "the browser connection failed", "the DevTools connection to the browser failed: " + error);
    }
  }
}
