package dev.headroom.devtools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.browser.BrowserSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;

/**
 * The DevTools endpoint of one lease: its secret path, and the one client connected to it at a time. It lives as
 * long as the lease; when the lease ends it ends the client's connection and takes no more.
 */
final class LeaseEndpoint {
  private final BrowserSession session;
  private final String token;
  private final URI uri;
  private final ProxySettings settings;
  private final HttpClient http;
  private final ObjectMapper mapper;
  private Relay client;
  private boolean closed;

  LeaseEndpoint(BrowserSession session, String token, URI uri, ProxySettings settings, HttpClient http,
      ObjectMapper mapper) {
    this.session = session;
    this.token = token;
    this.uri = uri;
    this.settings = settings;
    this.http = http;
    this.mapper = mapper;
  }

  String token() {
    return token;
  }

  URI uri() {
    return uri;
  }

  /** A relay for a client that asks to connect; null when another client is connected or the lease is over. */
  synchronized Relay connect() {
    if (closed || session.isClosed() || session.failure().isPresent() || (client != null && !client.isEnded())) {
      return null;
    }
    client = new Relay(this, mapper, new LeaseScope(mapper, session.browserContextId(), session.targetId()),
        settings.maxClientBacklog());
    return client;
  }

  synchronized boolean busy() {
    return client != null && !client.isEnded();
  }

  /** Opens the relay's own DevTools connection to the lease's browser. */
  CompletableFuture<WebSocket> connectToBrowser(WebSocket.Listener listener) {
    return http.newWebSocketBuilder()
        .connectTimeout(settings.connectTimeout())
        .buildAsync(session.webSocketUrl(), listener);
  }

  synchronized void relayEnded(Relay relay) {
    if (client == relay) {
      client = null;
    }
  }

  /** The lease ended: the client is disconnected and no other may connect. */
  void close(String why) {
    Relay current;
    synchronized (this) {
      closed = true;
      current = client;
      client = null;
    }
    if (current != null) {
      current.end(Relay.GOING_AWAY, why, why);
    }
  }

  @Override
  public String toString() {
    // never the token: it is the only thing that guards the endpoint
    return "DevTools endpoint of the lease of target " + session.targetId() + " on browser host '" + session.host()
        + "'";
  }
}
