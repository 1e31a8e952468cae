package dev.headroom.testkit.npu;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.core.NoCapacityException;
import dev.headroom.npu.Embedding;
import dev.headroom.npu.EmbeddingInputException;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.PoolLoad;
import dev.headroom.npu.WorkerProtocol;
import dev.headroom.testkit.HttpServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A remote embedding worker on a free loopback port, in front of an {@link EmbeddingPool} you give it (a real
 * model, e.g. ONNX Runtime with all-MiniLM-L6-v2): it speaks the npu module's {@link WorkerProtocol}, so a
 * {@link dev.headroom.npu.RemoteWorkerBackend} can use it. {@code POST /embed} answers the vectors (400 for a bad
 * input, 503 when the pool has no capacity); {@code GET /load} answers the pool's load. It counts requests and texts.
 * Needs {@code headroom-npu} on the classpath (an optional dependency of the testkit).
 *
 * <pre>{@code
 * try (EmbeddingWorker worker = EmbeddingWorker.start(EmbeddingPool.builder("worker")
 *     .tokenizer(model.tokenizer()).backend(OnnxRuntimeBackend.builder(model).build()).build())) {
 *   RemoteWorkerBackend backend = RemoteWorkerBackend.builder("npu-1", worker.uri()).build();
 * }
 * }</pre>
 */
public final class EmbeddingWorker implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  static {
    HttpServers.enableNoDelay();
  }

  private final EmbeddingPool pool;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong texts = new AtomicLong();

  private EmbeddingWorker(EmbeddingPool pool) throws IOException {
    this.pool = pool;
    this.executor = Executors.newFixedThreadPool(8, runnable -> {
      Thread thread = new Thread(runnable, "embedding-worker");
      thread.setDaemon(true);
      return thread;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext(WorkerProtocol.EMBED_PATH, this::embed);
    server.createContext(WorkerProtocol.LOAD_PATH, this::load);
    server.start();
  }

  /** Starts a worker for {@code pool}, which it closes on {@link #close()}. */
  public static EmbeddingWorker start(EmbeddingPool pool) {
    try {
      return new EmbeddingWorker(pool);
    } catch (IOException e) {
      pool.close();
      throw new UncheckedIOException("cannot start the embedding worker", e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** {@code POST /embed} requests answered with vectors. */
  public long requests() {
    return requests.get();
  }

  /** Texts embedded. */
  public long texts() {
    return texts.get();
  }

  /** The pool behind it. */
  public EmbeddingPool pool() {
    return pool;
  }

  private void embed(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        send(exchange, 405, new WorkerProtocol.ErrorResponse("use POST", -1));
        return;
      }
      WorkerProtocol.EmbedRequest request;
      try (InputStream body = exchange.getRequestBody()) {
        request = JSON.readValue(body, WorkerProtocol.EmbedRequest.class);
      } catch (IOException e) {
        send(exchange, 400, new WorkerProtocol.ErrorResponse("unreadable JSON: " + e.getMessage(), -1));
        return;
      }
      if (request.inputs() == null || request.inputs().isEmpty()) {
        send(exchange, 400, new WorkerProtocol.ErrorResponse("inputs must be a non-empty list", -1));
        return;
      }
      List<float[]> vectors = new ArrayList<>();
      List<Boolean> truncated = new ArrayList<>();
      String backend = "";
      try {
        for (var future : pool.submitAll(request.inputs())) {
          Embedding embedding = future.join();
          vectors.add(embedding.vector());
          truncated.add(embedding.truncated());
          backend = embedding.backend();
        }
      } catch (CompletionException e) {
        if (e.getCause() instanceof EmbeddingInputException input) {
          send(exchange, 400, new WorkerProtocol.ErrorResponse(input.getMessage(), input.index()));
        } else if (e.getCause() instanceof NoCapacityException busy) {
          send(exchange, 503, new WorkerProtocol.ErrorResponse(busy.getMessage(), -1));
        } else {
          send(exchange, 500, new WorkerProtocol.ErrorResponse(String.valueOf(e.getCause()), -1));
        }
        return;
      }
      requests.incrementAndGet();
      texts.addAndGet(vectors.size());
      send(exchange, 200, new WorkerProtocol.EmbedResponse(vectors, truncated, backend));
    }
  }

  private void load(HttpExchange exchange) throws IOException {
    try (exchange) {
      PoolLoad load = pool.load();
      send(exchange, 200, new WorkerProtocol.LoadReport(load.pending(), load.inFlight(), load.capacity(),
          load.level().name()));
    }
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Stops listening, then closes the pool. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.close();
  }

  @Override
  public String toString() {
    return "EmbeddingWorker{" + uri() + ", " + pool + '}';
  }
}
