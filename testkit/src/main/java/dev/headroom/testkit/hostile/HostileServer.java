package dev.headroom.testkit.hostile;

import dev.headroom.testkit.hostile.Misbehaviour.Answer;
import dev.headroom.testkit.hostile.Misbehaviour.CutAfter;
import dev.headroom.testkit.hostile.Misbehaviour.Drip;
import dev.headroom.testkit.hostile.Misbehaviour.Lines;
import dev.headroom.testkit.hostile.Misbehaviour.NeverAnswer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on a free loopback port that misbehaves on purpose, the way real backends do: it accepts and
 * never answers, drips a few bytes a second, cuts a body short, sends several JSON values where one was asked for,
 * a huge line, an HTML page with a 200, or a 503/429 with {@code Retry-After}. Each path prefix can have its own
 * {@link Misbehaviour}; the rest get the default one, which can be changed while requests flow.
 *
 * <pre>{@code
 * try (HostileServer server = HostileServer.start(Misbehaviour.neverAnswer())) {
 *   server.on("/api/tags", Misbehaviour.answer(200, "application/json", "{\"models\":[]}"));
 *   // point a client at server.uri() and check that its deadline holds
 * }
 * }</pre>
 *
 * <p>Raw sockets, one daemon thread a connection, {@code Connection: close} on every answer. {@link #close()}
 * closes every connection at once, so a test never leaves a thread blocked on it.
 */
public final class HostileServer implements AutoCloseable {
  private final ServerSocket listener;
  private final Map<String, Misbehaviour> byPrefix = new ConcurrentHashMap<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final CopyOnWriteArrayList<String> requestLines = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Misbehaviour fallback;
  private volatile boolean closed;

  private HostileServer(Misbehaviour fallback) throws IOException {
    this.fallback = Objects.requireNonNull(fallback, "misbehaviour");
    this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "hostile-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts on a free loopback port; every path gets {@code misbehaviour} until told otherwise. */
  public static HostileServer start(Misbehaviour misbehaviour) {
    try {
      return new HostileServer(misbehaviour);
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen on loopback", e);
    }
  }

  /** Requests whose path starts with {@code pathPrefix} get {@code misbehaviour} (the longest prefix wins). */
  public HostileServer on(String pathPrefix, Misbehaviour misbehaviour) {
    byPrefix.put(Objects.requireNonNull(pathPrefix, "pathPrefix"), Objects.requireNonNull(misbehaviour, "misbehaviour"));
    return this;
  }

  /** What every path without a prefix of its own gets from now on. */
  public HostileServer otherwise(Misbehaviour misbehaviour) {
    this.fallback = Objects.requireNonNull(misbehaviour, "misbehaviour");
    return this;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** The loopback port. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Requests read so far (their heads were complete). */
  public int requests() {
    return requests.get();
  }

  /** The request lines read so far ({@code "POST /api/chat HTTP/1.1"}), in order. */
  public java.util.List<String> requestLines() {
    return java.util.List.copyOf(requestLines);
  }

  /** Connections the server holds open now: a client that gave up closed its side, and it is gone. */
  public int openConnections() {
    open.removeIf(Socket::isClosed);
    return open.size();
  }

  /** Closes the listener and every connection at once. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  @Override
  public String toString() {
    return "HostileServer{" + uri() + ", default=" + fallback.getClass().getSimpleName() + '}';
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(socket);
      Thread worker = new Thread(() -> serve(socket), "hostile-conn-" + listener.getLocalPort());
      worker.setDaemon(true);
      worker.start();
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      String head = readRequest(socket.getInputStream());
      if (head == null) {
        return;
      }
      String requestLine = head.lines().findFirst().orElse("");
      requestLines.add(requestLine);
      requests.incrementAndGet();
      String[] parts = requestLine.split(" ");
      String path = parts.length > 1 ? parts[1] : "/";
      act(misbehaviourFor(path), socket, socket.getOutputStream());
    } catch (IOException | InterruptedException e) {
      // the client gave up or the server closed: either is what these servers are for
    } finally {
      open.remove(socket);
    }
  }

  private Misbehaviour misbehaviourFor(String path) {
    String best = null;
    for (String prefix : byPrefix.keySet()) {
      if (path.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    return best == null ? fallback : byPrefix.get(best);
  }

  private void act(Misbehaviour m, Socket socket, OutputStream out) throws IOException, InterruptedException {
    if (m instanceof NeverAnswer) {
      // hold the connection until the client or the server closes it
      InputStream in = socket.getInputStream();
      while (!closed && in.read() >= 0) {
        // discard anything more the client sends
      }
    } else if (m instanceof Answer a) {
      out.write(head(a.status(), a.contentType(), a.body().length, a.retryAfter() == null ? null
          : "Retry-After: " + Math.max(0, a.retryAfter().toSeconds())));
      out.write(a.body());
      out.flush();
    } else if (m instanceof Drip d) {
      out.write(head(200, d.contentType(), d.body().length, null));
      out.flush();
      long pauseNanos = 1_000_000_000L / d.bytesPerSecond();
      for (byte b : d.body()) {
        out.write(b);
        out.flush();
        sleepNanos(pauseNanos);
      }
    } else if (m instanceof CutAfter c) {
      out.write(head(200, c.contentType(), c.body().length, null));
      out.write(c.body(), 0, c.bytes());
      out.flush();
      socket.setSoLinger(true, 0); // a reset, as a process that died would leave
    } else if (m instanceof Lines l) {
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + l.contentType()
          + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (int i = 0; i < l.lines().size(); i++) {
        if (i > 0) {
          sleepNanos(l.every().toNanos());
        }
        chunk(out, l.lines().get(i) + "\n");
      }
      String last = l.lines().get(l.lines().size() - 1);
      for (long i = 0; i < l.repeatLast() && !closed; i++) {
        sleepNanos(l.every().toNanos());
        chunk(out, last + "\n");
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  private static void chunk(OutputStream out, String text) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static byte[] head(int status, String contentType, int length, String extra) {
    StringBuilder s = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    s.append("Content-Type: ").append(contentType).append("\r\n");
    s.append("Content-Length: ").append(length).append("\r\n");
    if (extra != null) {
      s.append(extra).append("\r\n");
    }
    s.append("Connection: close\r\n\r\n");
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  /** Reads the request head and any {@code Content-Length} body; null when the client closed first. */
  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while (matched < 4 && (b = in.read()) >= 0) {
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    if (matched < 4) {
      return null;
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    long length = text.lines()
        .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
        .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim()))
        .findFirst().orElse(0);
    for (long i = 0; i < length && in.read() >= 0; i++) {
      // the body is not needed, only consumed
    }
    return text;
  }

  private static void sleepNanos(long nanos) throws InterruptedException {
    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
  }
}
