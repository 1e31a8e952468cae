package dev.headroom.devtools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.browser.BrowserSession;
import dev.headroom.core.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DevTools endpoints for leased browser sessions, scoped to the lease: a client such as Playwright's {@code
 * connectOverCDP} attached to {@link #endpoint(BrowserSession)} sees and drives only that session's browser
 * context, while the pool keeps its cap, its isolation between leases and its recycling.
 *
 * <pre>{@code
 * try (DevToolsProxy devtools = DevToolsProxy.create();
 *      BrowserSession session = pool.lease(Duration.ofSeconds(5))) {
 *   Browser browser = playwright.chromium().connectOverCDP(devtools.endpoint(session).toString());
 *   Page page = browser.contexts().get(0).pages().get(0);   // the leased page
 *   page.navigate("https://example.com/");
 * }
 * }</pre>
 *
 * <p>One proxy serves any number of sessions of any pools from one loopback port: each endpoint is {@code
 * ws://127.0.0.1:<port>/devtools/browser/<token>} with an unguessable token, opened on the first call for a session
 * and closed when the session ends (closed, or ended by the pool after a crash, a forced recycle or its close),
 * which disconnects its client. One client at a time per endpoint; a client that disconnects can connect again while
 * the lease lasts, and disconnecting never ends the lease. What a client is allowed is described in the package
 * documentation. The token is the endpoint's only credential: it is never logged nor put in an exception or a
 * {@code toString()}, and requests that carry an {@code Origin} header (a web page) are refused.
 *
 * <p>Thread-safe. Closing the proxy disconnects every client; it does not end the leases.
 */
public final class DevToolsProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DevToolsProxy.class);
  static final String PATH = "/devtools/browser/";

  private final ProxySettings settings;
  private final ObjectMapper mapper = new ObjectMapper();
  private final SecureRandom random = new SecureRandom();
  private final Map<BrowserSession, LeaseEndpoint> bySession = new ConcurrentHashMap<>();
  private final Map<String, LeaseEndpoint> byToken = new ConcurrentHashMap<>();
  private final ExecutorService io;
  private final HttpClient http;
  private final Server server;
  private final int port;
  private volatile boolean closed;

  private DevToolsProxy(ProxySettings settings) {
    this.settings = settings;
    AtomicInteger count = new AtomicInteger();
    this.io = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "headroom-devtools-io-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(io)
        .connectTimeout(settings.connectTimeout()).build();
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("headroom-devtools");
    threads.setDaemon(true);
    threads.setReservedThreads(0);
    this.server = new Server(threads);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(settings.port());
    server.addConnector(connector);
    server.setErrorHandler(DevToolsProxy::writeError);
    server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
      container.setMaxTextMessageSize(settings.maxMessageSize());
      container.setIdleTimeout(Duration.ZERO); // a client may sit idle as long as its lease lasts
      container.addMapping(PATH + "*", this::upgrade);
    }));
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly();
      throw new UncheckedIOException(new IOException("cannot listen on 127.0.0.1:" + settings.port() + " for "
          + "DevTools clients: " + e.getMessage(), e));
    }
    this.port = connector.getLocalPort();
    log.info("DevTools proxy listening on 127.0.0.1:{}", port);
  }

  /** A proxy with the default settings, listening on a free loopback port. */
  public static DevToolsProxy create() {
    return builder().build();
  }

  /** A builder of a proxy. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The DevTools WebSocket endpoint of {@code session}: the same URI on every call while the session lasts. Give it
   * to Playwright's {@code connectOverCDP} (or another CDP client); its default context is the session's browser
   * context and its first page the session's page.
   *
   * @throws DevToolsProxyException when the session has ended or failed, or the proxy is closed
   */
  public URI endpoint(BrowserSession session) {
    Objects.requireNonNull(session, "session");
    check(session);
    LeaseEndpoint endpoint = bySession.get(session);
    if (endpoint == null) {
      LeaseEndpoint created = null;
      synchronized (this) {
        endpoint = bySession.get(session);
        if (endpoint == null) {
          endpoint = open(session);
          created = endpoint;
        }
      }
      if (created != null) {
        LeaseEndpoint forget = created;
        session.whenEnded().thenRun(() -> forget(session, forget));
      }
    }
    check(session); // ended meanwhile: whenEnded() has closed the endpoint
    return endpoint.uri();
  }

  /** The loopback port the proxy listens on. */
  public int port() {
    return port;
  }

  /** How many leases have an endpoint open now. */
  public int openEndpoints() {
    return bySession.size();
  }

  /** Disconnects every client and stops listening. Idempotent; the leases go on. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (LeaseEndpoint endpoint : bySession.values()) {
      endpoint.close("the DevTools proxy was closed");
    }
    bySession.clear();
    byToken.clear();
    stopQuietly();
    io.shutdownNow();
  }

  @Override
  public String toString() {
    return "DevToolsProxy{127.0.0.1:" + port + ", " + bySession.size() + " endpoints" + (closed ? ", closed" : "")
        + '}';
  }

  // ------------------------------------------------------------------ internals

  private void check(BrowserSession session) {
    if (closed) {
      throw new DevToolsProxyException(session.host(), "the DevTools proxy is closed");
    }
    if (session.isClosed()) {
      throw new DevToolsProxyException(session.host(), "the session of target " + session.targetId()
          + " is closed: it has no DevTools endpoint");
    }
    session.failure().ifPresent(failure -> {
      throw new DevToolsProxyException(session.host(), "the session of target " + session.targetId()
          + " has failed, it has no DevTools endpoint: " + failure.getMessage());
    });
  }

  private LeaseEndpoint open(BrowserSession session) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    URI uri = URI.create("ws://127.0.0.1:" + port + PATH + token);
    LeaseEndpoint endpoint = new LeaseEndpoint(session, token, uri, settings, http, mapper);
    bySession.put(session, endpoint);
    byToken.put(token, endpoint);
    log.debug("{}: opened", endpoint);
    return endpoint;
  }

  /** The lease ended: its endpoint closes, with its client's connection. */
  private void forget(BrowserSession session, LeaseEndpoint endpoint) {
    bySession.remove(session, endpoint);
    byToken.remove(endpoint.token(), endpoint);
    endpoint.close("the lease ended");
  }

  /** Jetty's upgrade decision for {@code /devtools/browser/*}: the relay of a known, free endpoint, or an error. */
  private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    if (request.getHeaders().get(HttpHeader.ORIGIN) != null) {
      Response.writeError(request, response, callback, 403, "DevTools clients in web pages are not allowed");
      return null;
    }
    String path = request.getHttpURI().getPath();
    LeaseEndpoint endpoint = path.startsWith(PATH) ? byToken.get(path.substring(PATH.length())) : null;
    if (endpoint == null) {
      Response.writeError(request, response, callback, 404, "no such DevTools endpoint (or its lease has ended)");
      return null;
    }
    Relay relay = endpoint.connect();
    if (relay == null) {
      boolean busy = endpoint.busy();
      log.info("{}: refused a DevTools client: {}", endpoint, busy ? "another client is connected" : "it has ended");
      Response.writeError(request, response, callback, busy ? 409 : 404, busy
          ? "another DevTools client is connected to this lease" : "the lease has ended");
      return null;
    }
    return relay.clientSide();
  }

  /**
   * Jetty's error pages, without the request's URI (Jetty's own page shows it, and the URI carries the token): the
   * status and the reason only.
   */
  private static boolean writeError(Request request, Response response, Callback callback) {
    Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
    String text = response.getStatus() + " " + (message == null ? HttpStatus.getMessage(response.getStatus())
        : message) + "\n";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      log.debug("stopping the DevTools proxy's server failed: {}", e.toString());
    }
  }

  /** Settings of a {@link DevToolsProxy}; {@link #build()} checks them and starts the proxy. */
  public static final class Builder {
    private int port;
    private long maxClientBacklog = 64L << 20;
    private long maxMessageSize = 64L << 20;
    private Duration connectTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** The loopback port to listen on; default 0, any free port. The proxy never listens beyond 127.0.0.1. */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    /**
     * The most characters that may wait to be sent to one client (or from it to the browser); a client that falls
     * further behind is disconnected, so that it holds no memory and no other lease waits for it. Default 64 Mi.
     */
    public Builder maxClientBacklog(long value) {
      this.maxClientBacklog = value;
      return this;
    }

    /** The largest message a client may send, in bytes; default 64 MiB. */
    public Builder maxMessageSize(long value) {
      this.maxMessageSize = value;
      return this;
    }

    /** How long opening a client's own DevTools connection to the browser may take; default 10 s. */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = value;
      return this;
    }

    /**
     * Checks the settings and starts the proxy on its port.
     *
     * @throws dev.headroom.core.ConfigException naming the setting that is wrong
     * @throws UncheckedIOException when the port cannot be listened on
     */
    public DevToolsProxy build() {
      Checks checks = Checks.in("DevTools proxy");
      if (port < 0 || port > 65_535) {
        throw checks.invalid("port", port, "must be in [0, 65535]");
      }
      checks.atLeast("maxClientBacklog", maxClientBacklog, 1024);
      checks.atLeast("maxMessageSize", maxMessageSize, 1024);
      checks.positive("connectTimeout", connectTimeout);
      return new DevToolsProxy(new ProxySettings(port, maxClientBacklog, maxMessageSize, connectTimeout));
    }
  }
}
