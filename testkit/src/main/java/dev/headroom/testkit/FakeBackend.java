package dev.headroom.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP server on a free loopback port that behaves like an inference server: {@code slots} requests are served
 * at once, up to {@code queueLimit} more wait in FIFO order, and beyond that it answers 503 "server busy". Each
 * request takes a service time drawn from a {@link LatencyModel}; {@link #slowDown(double)} changes the speed at run
 * time, {@link #inject(Fault)} injects failures, {@link #kill()} really closes the socket and {@link #restart()}
 * opens it again on the same port.
 *
 * <p>Every path answers {@code 200 {"backend":"<name>","serviceMs":...}} after its service time, except
 * {@code GET /health}, which answers at once (200, or 503 while {@link #unhealthy(boolean)} is set).
 */
public final class FakeBackend implements AutoCloseable {
  private final String name;
  private final int slots;
  private final int queueLimit;
  private final Semaphore slotPermits;
  private final SplittableRandom random;
  private volatile LatencyModel latency;
  private volatile double slowdown = 1.0;
  private volatile Fault fault;
  private volatile boolean unhealthy;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger inService = new AtomicInteger();
  private final AtomicInteger maxInService = new AtomicInteger();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong faulted = new AtomicLong();
  private final LoopbackListener listener;

  private FakeBackend(Builder b) {
    this.name = b.name;
    this.slots = b.slots;
    this.queueLimit = b.queueLimit;
    this.slotPermits = new Semaphore(b.slots, true);
    this.random = new SplittableRandom(b.seed);
    this.latency = b.latency;
    this.listener = new LoopbackListener(b.name, 128, this::handle);
  }

  /** A builder for a backend called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The backend's name, as it appears in replies. */
  public String name() {
    return name;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return listener.uri();
  }

  /** The loopback port (kept across {@link #kill()} and {@link #restart()}). */
  public int port() {
    return listener.port();
  }

  /** Replaces the latency model. */
  public void latency(LatencyModel model) {
    this.latency = Objects.requireNonNull(model, "model");
  }

  /** Multiplies every service time by {@code factor} from now on (1 restores normal speed). */
  public void slowDown(double factor) {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("factor must be > 0 but was " + factor);
    }
    this.slowdown = factor;
  }

  /** Injects a fault into a share of the requests that arrive from now on. */
  public void inject(Fault value) {
    this.fault = Objects.requireNonNull(value, "fault");
  }

  /** Stops injecting faults. */
  public void clearFaults() {
    this.fault = null;
  }

  /** Makes {@code /health} answer 503 (true) or 200 (false). */
  public void unhealthy(boolean value) {
    this.unhealthy = value;
  }

  /** Closes the listening socket and every open connection at once; requests in service are cut off. */
  public void kill() {
    listener.kill();
  }

  /** Listens again on the same port after {@link #kill()}. */
  public void restart() {
    listener.restart();
  }

  /** Whether the backend is listening. */
  public boolean isRunning() {
    return listener.isRunning();
  }

  /** Requests that arrived (health checks excluded). */
  public long requests() {
    return requests.get();
  }

  /** Requests answered 200. */
  public long served() {
    return served.get();
  }

  /** Requests refused with 503 because the queue was full. */
  public long rejected() {
    return rejected.get();
  }

  /** Requests that met an injected fault. */
  public long faulted() {
    return faulted.get();
  }

  /** The most requests ever in service at once (never above {@code slots}). */
  public int maxInService() {
    return maxInService.get();
  }

  /** Requests in service or queued now. */
  public int pending() {
    return pending.get();
  }

  @Override
  public void close() {
    kill();
  }

  @Override
  public String toString() {
    return "FakeBackend{" + name + " " + uri() + ", slots=" + slots + ", queueLimit=" + queueLimit
        + ", slowdown=" + slowdown + (isRunning() ? "" : ", killed") + '}';
  }

  private FakeBackend start() {
    listener.start();
    return this;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream body = exchange.getRequestBody()) {
      body.readAllBytes();
      if (exchange.getRequestURI().getPath().equals("/health")) {
        reply(exchange, unhealthy ? 503 : 200, unhealthy ? "{\"status\":\"unhealthy\"}" : "{\"status\":\"ok\"}");
        return;
      }
      requests.incrementAndGet();
      Fault current = fault;
      double draw;
      synchronized (random) {
        draw = random.nextDouble();
      }
      if (current != null && draw < current.share()) {
        faulted.incrementAndGet();
        switch (current.kind()) {
          case STATUS -> reply(exchange, current.status(), "{\"error\":\"injected status " + current.status() + "\"}");
          case RESET -> {
            return; // closing without a reply: the client sees the connection end
          }
          case STALL -> {
            sleepNanos(TimeUnit.MINUTES.toNanos(10));
            return;
          }
        }
        return;
      }
      if (pending.incrementAndGet() > slots + queueLimit) {
        pending.decrementAndGet();
        rejected.incrementAndGet();
        reply(exchange, 503, "{\"error\":\"server busy, please try again. maximum pending requests exceeded\"}");
        return;
      }
      try {
        slotPermits.acquire();
        try {
          int now = inService.incrementAndGet();
          maxInService.accumulateAndGet(now, Math::max);
          long nanos;
          synchronized (random) {
            nanos = (long) (latency.sampleNanos(random) * slowdown);
          }
          sleepNanos(nanos);
          inService.decrementAndGet();
          served.incrementAndGet();
          reply(exchange, 200, String.format(Locale.ROOT, "{\"backend\":\"%s\",\"serviceMs\":%.3f}", name,
              nanos / 1e6));
        } finally {
          slotPermits.release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // killed
      } finally {
        pending.decrementAndGet();
      }
    }
  }

  private static void sleepNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos); // simulated service time of a fake server
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Builds and starts a {@link FakeBackend}. */
  public static final class Builder {
    private final String name;
    private int slots = 4;
    private int queueLimit = 64;
    private long seed = 1;
    private LatencyModel latency = LatencyModel.fixed(Duration.ofMillis(10));

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Requests served at once (like {@code OLLAMA_NUM_PARALLEL}); default 4. */
    public Builder slots(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("slots must be >= 1 but was " + value);
      }
      this.slots = value;
      return this;
    }

    /** Requests that may wait for a slot before 503; default 64. */
    public Builder queueLimit(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("queueLimit must be >= 0 but was " + value);
      }
      this.queueLimit = value;
      return this;
    }

    /** The service-time distribution; default a fixed 10 ms. */
    public Builder latency(LatencyModel value) {
      this.latency = Objects.requireNonNull(value, "latency");
      return this;
    }

    /** The seed of the latency and fault draws. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** Starts the backend on a free loopback port. */
    public FakeBackend start() {
      return new FakeBackend(this).start();
    }
  }
}
