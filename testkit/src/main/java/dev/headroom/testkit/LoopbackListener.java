package dev.headroom.testkit;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The listening half that the fakes share: a JDK {@code HttpServer} on a free loopback port, one daemon thread per
 * request, that can be {@link #kill() killed} (the socket and every open connection close at once, requests in
 * service are interrupted) and {@link #restart() restarted} on the same port. TCP_NODELAY is on (see
 * {@link HttpServers#enableNoDelay()}).
 */
public final class LoopbackListener {
  static {
    HttpServers.enableNoDelay();
  }

  private final String name;
  private final int backlog;
  private final HttpHandler handler;
  private final Object lifecycle = new Object();
  private volatile HttpServer server;
  private ExecutorService executor;
  private volatile int port;

  /**
   * @param name used in thread names ({@code fake-<name>}) and errors
   * @param backlog the listen backlog
   * @param handler handles every path
   */
  public LoopbackListener(String name, int backlog, HttpHandler handler) {
    this.name = Objects.requireNonNull(name, "name");
    this.backlog = backlog;
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /** Listens on a free loopback port. */
  public LoopbackListener start() {
    synchronized (lifecycle) {
      bind(0);
    }
    return this;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The loopback port, kept across {@link #kill()} and {@link #restart()}. */
  public int port() {
    return port;
  }

  /** Whether it is listening. */
  public boolean isRunning() {
    return server != null;
  }

  /** Closes the listening socket and every open connection at once; requests in service are cut off. */
  public void kill() {
    synchronized (lifecycle) {
      if (server != null) {
        server.stop(0);
        executor.shutdownNow();
        server = null;
      }
    }
  }

  /** Listens again on the same port after {@link #kill()}; does nothing while listening. */
  public void restart() {
    synchronized (lifecycle) {
      if (server == null) {
        bind(port);
      }
    }
  }

  private void bind(int wanted) {
    try {
      HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), backlog);
      ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fake-" + name);
        thread.setDaemon(true);
        return thread;
      });
      created.setExecutor(workers);
      created.createContext("/", handler);
      created.start();
      this.executor = workers;
      this.port = created.getAddress().getPort();
      this.server = created;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + wanted + " for " + name, e);
    }
  }

  @Override
  public String toString() {
    return "LoopbackListener{" + name + " " + uri() + (isRunning() ? "" : ", killed") + '}';
  }
}
