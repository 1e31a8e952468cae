package dev.headroom.npu.testing;

import com.sun.net.httpserver.HttpServer;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.WorkerEndpoints;
import dev.headroom.npu.WorkerProtocol;
import dev.headroom.testkit.HttpServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A remote embedding worker on a free loopback port, in front of an {@link EmbeddingPool} you give it (a real
 * model, e.g. ONNX Runtime with all-MiniLM-L6-v2): it speaks the npu module's {@link WorkerProtocol}, so a
 * {@link dev.headroom.npu.RemoteWorkerBackend} can use it. {@code POST /embed} answers the vectors (400 for a bad
 * input, 503 when the pool has no capacity); {@code GET /load} answers the pool's load. It counts requests and texts.
 * It ships in the npu module's test jar ({@code headroom-npu}, classifier {@code tests}), for the starter's tests and
 * the Spring sample's fakes; the testkit depends on core only.
 *
 * <pre>{@code
 * try (EmbeddingWorker worker = EmbeddingWorker.start(EmbeddingPool.builder("worker")
 *     .tokenizer(model.tokenizer()).backend(OnnxRuntimeBackend.builder(model).build()).build())) {
 *   RemoteWorkerBackend backend = RemoteWorkerBackend.builder("npu-1", worker.uri()).build();
 * }
 * }</pre>
 */
public final class EmbeddingWorker implements AutoCloseable {
  static {
    HttpServers.enableNoDelay();
  }

  private final EmbeddingPool pool;
  private final WorkerEndpoints endpoints;
  private final HttpServer server;
  private final ExecutorService executor;

  private EmbeddingWorker(EmbeddingPool pool) throws IOException {
    this.pool = pool;
    this.endpoints = WorkerEndpoints.of(pool);
    this.executor = Executors.newFixedThreadPool(8, runnable -> {
      Thread thread = new Thread(runnable, "embedding-worker");
      thread.setDaemon(true);
      return thread;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    endpoints.register(server);
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
    return endpoints.requests();
  }

  /** Texts embedded. */
  public long texts() {
    return endpoints.texts();
  }

  /** The pool behind it. */
  public EmbeddingPool pool() {
    return pool;
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
