package dev.headroom.examples.npu;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.EmbeddingPoolBuilder;
import dev.headroom.npu.LocalBackends;
import dev.headroom.npu.PoolLoad;
import dev.headroom.npu.WorkerEndpoints;
import dev.headroom.npu.WorkerProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote embedding worker: the seed's "NPU worker" as a small HTTP server in front of an {@link EmbeddingPool}
 * (an OpenVINO device when there is one, else ONNX Runtime on the CPU). It speaks {@link WorkerProtocol}:
 *
 * <ul>
 *   <li>{@code POST /embed} {@code {"inputs": [...]}} answers {@code {"embeddings": [[...]], "truncated": [...],
 *       "backend": "..."}}; 400 with {@code {"error", "index"}} for a bad input; 503 when its queue is full;</li>
 *   <li>{@code GET /load} answers {@code {"pending", "inFlight", "capacity", "level"}};</li>
 *   <li>{@code GET /metrics} answers the same numbers as Prometheus text, for an autoscaler.</li>
 * </ul>
 *
 * <p>Run one with {@code java -cp … dev.headroom.examples.npu.NpuWorkerServer 8080}; clients use
 * {@link dev.headroom.npu.RemoteWorkerBackend}.
 */
public final class NpuWorkerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NpuWorkerServer.class);

  private final EmbeddingPool pool;
  private final HttpServer server;
  private final ExecutorService executor;

  private NpuWorkerServer(EmbeddingPool pool, InetSocketAddress address, int threads) throws IOException {
    this.pool = pool;
    this.executor = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "npu-worker-http");
      thread.setDaemon(true);
      return thread;
    });
    this.server = HttpServer.create(address, 128);
    server.setExecutor(executor);
    WorkerEndpoints.of(pool).register(server);
    server.createContext("/metrics", this::metrics);
    server.start();
    log.info("NPU worker listening on {} with {}", uri(), pool.backends().stream().map(b -> b.id()).toList());
  }

  /**
   * Starts a worker for {@code pool} (which it closes on {@link #close()}).
   *
   * @param address where to listen; port 0 picks a free port
   */
  public static NpuWorkerServer start(EmbeddingPool pool, InetSocketAddress address) throws IOException {
    return new NpuWorkerServer(pool, address, 16);
  }

  /** Runs a worker on the port given as the first argument (default 8080) until the process is stopped. */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    EmbeddingModel model = EmbeddingModel.allMiniLmL6V2();
    LocalBackends.Choice local = LocalBackends.builder(model).build().choose();
    EmbeddingPoolBuilder builder = EmbeddingPool.builder("npu-worker").tokenizer(model.tokenizer());
    local.backends().forEach(builder::backend);
    NpuWorkerServer worker = start(builder.build(), new InetSocketAddress(port));
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "npu-worker-shutdown"));
    Thread.currentThread().join();
  }

  /** Where the worker listens. */
  public URI uri() {
    InetSocketAddress address = server.getAddress();
    InetAddress host = address.getAddress();
    String name = host.isAnyLocalAddress() ? "127.0.0.1" : host.getHostAddress();
    return URI.create("http://" + name + ":" + address.getPort());
  }

  /** The pool behind it. */
  public EmbeddingPool pool() {
    return pool;
  }

  private void metrics(HttpExchange exchange) throws IOException {
    try (exchange) {
      PoolLoad load = pool.load();
      String text = "# TYPE headroom_worker_pending gauge\nheadroom_worker_pending " + load.pending() + "\n"
          + "# TYPE headroom_worker_inflight gauge\nheadroom_worker_inflight " + load.inFlight() + "\n"
          + "# TYPE headroom_worker_capacity gauge\nheadroom_worker_capacity " + load.capacity() + "\n"
          + "# TYPE headroom_worker_queue_level gauge\nheadroom_worker_queue_level " + load.level().ordinal() + "\n";
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  /** Stops listening, then closes the pool. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.close();
  }
}
