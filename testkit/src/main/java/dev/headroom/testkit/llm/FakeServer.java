package dev.headroom.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.testkit.LoopbackListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What both LLM fakes share: a JDK {@link HttpServer} on a free loopback port (a {@link LoopbackListener}) with a real {@link #kill()} and
 * {@link #restart()} on the same port, fault drawing, and the small I/O helpers of a streaming server.
 */
abstract class FakeServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] FILLER = filler();

  final String name;
  private final SplittableRandom random;
  private final LoopbackListener listener;
  private volatile FaultState fault;
  private volatile boolean closed;
  private final AtomicLong oversizedBytesWritten = new AtomicLong();

  FakeServer(String name, long seed) {
    this.name = name;
    this.random = new SplittableRandom(seed);
    this.listener = new LoopbackListener(name, 256, exchange -> {
      handle(exchange); // a DroppedConnection skips close(), so the server drops the socket mid-body
      exchange.close();
    });
  }

  /** The server's name. */
  public String name() {
    return name;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return listener.uri();
  }

  /** The loopback port, kept across {@link #kill()} and {@link #restart()}. */
  public int port() {
    return listener.port();
  }

  /** Injects a fault into the generation requests that arrive from now on (replacing any earlier one). */
  public void inject(LlmFault value) {
    if (value == null) {
      throw new IllegalArgumentException("fault must not be null");
    }
    this.fault = new FaultState(value);
  }

  /** Stops injecting faults. */
  public void clearFaults() {
    this.fault = null;
  }

  /** Closes the listening socket and every open connection at once; requests in service are cut off. */
  public void kill() {
    listener.kill();
  }

  /** Listens again on the same port after {@link #kill()}. */
  public void restart() {
    if (!closed) {
      listener.restart();
    }
  }

  /** Whether the server is listening. */
  public boolean isRunning() {
    return listener.isRunning();
  }

  /** Bytes of oversized bodies that were actually written before the client stopped reading. */
  public long oversizedBytesWritten() {
    return oversizedBytesWritten.get();
  }

  @Override
  public void close() {
    closed = true;
    kill();
  }

  /** Handles one exchange; the exchange is closed afterwards. */
  abstract void handle(HttpExchange exchange) throws IOException;

  final void start() {
    listener.start();
  }

  /** The fault for this request, if one applies (drawn by share, counted against {@code times}). */
  final LlmFault drawFault() {
    FaultState current = fault;
    if (current == null) {
      return null;
    }
    double draw;
    synchronized (random) {
      draw = random.nextDouble();
    }
    if (draw >= current.fault.share()) {
      return null;
    }
    if (current.fault.times() >= 0 && current.remaining.getAndDecrement() <= 0) {
      return null;
    }
    return current.fault;
  }

  /** A double in [0, 1) from the fake's seeded sequence. */
  final double nextDouble() {
    synchronized (random) {
      return random.nextDouble();
    }
  }

  // ---------------------------------------------------------------- I/O helpers

  static JsonNode readJson(HttpExchange exchange) throws IOException {
    try (InputStream body = exchange.getRequestBody()) {
      byte[] bytes = body.readAllBytes();
      if (bytes.length == 0) {
        return JSON.createObjectNode();
      }
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        return null;
      }
    }
  }

  static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    sendRaw(exchange, status, "application/json; charset=utf-8",
        body instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body));
  }

  /** Sets the {@code Retry-After} of a busy fault's reply (whole seconds, rounded up), if it has one. */
  static void retryAfter(HttpExchange exchange, LlmFault fault) {
    if (fault.retryAfter() != null) {
      long millis = fault.retryAfter().toMillis();
      exchange.getResponseHeaders().set("Retry-After", Long.toString((millis + 999) / 1000));
    }
  }

  static void sendRaw(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Starts a chunked 200 reply. */
  static OutputStream startStream(HttpExchange exchange, String contentType) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(200, 0);
    return exchange.getResponseBody();
  }

  static void writeFlush(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Writes {@code prefix} then filler up to {@code total} bytes, counting what was written. */
  final void writeOversized(OutputStream out, String prefix, long total) throws IOException {
    byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
    out.write(head);
    oversizedBytesWritten.addAndGet(head.length);
    long left = total - head.length;
    while (left > 0) {
      int n = (int) Math.min(FILLER.length, left);
      out.write(FILLER, 0, n);
      oversizedBytesWritten.addAndGet(n);
      left -= n;
    }
    out.flush();
  }

  /**
   * Drops the connection without ending the chunked body: the HTTP server closes the socket when a handler throws,
   * so the client sees the stream end early instead of a clean last chunk.
   */
  static void abortConnection() {
    throw new DroppedConnection();
  }

  /** Sleeps, returning false when interrupted (the fake was killed). */
  static boolean pause(long nanos) {
    if (nanos <= 0) {
      return true;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos); // simulated generation time of a fake server
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stalls until the fake is killed or closed (or ten minutes pass). */
  final void stall() {
    long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!closed && listener.isRunning() && System.nanoTime() < until) {
      if (!pause(TimeUnit.MILLISECONDS.toNanos(50))) {
        return;
      }
    }
  }

  private static byte[] filler() {
    byte[] bytes = new byte[64 * 1024];
    Arrays.fill(bytes, (byte) 'x');
    return bytes;
  }

  /** A fault and how many more requests it may affect. */
  private static final class FaultState {
    final LlmFault fault;
    final AtomicInteger remaining;

    FaultState(LlmFault fault) {
      this.fault = fault;
      this.remaining = new AtomicInteger(fault.times());
    }
  }

  /** Thrown by a handler to make the HTTP server drop the connection. */
  static final class DroppedConnection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DroppedConnection() {
      super("connection dropped on purpose by the fake", null, false, false);
    }
  }
}
