package dev.headroom.npu;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.core.NoCapacityException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of {@link WorkerProtocol} for the JDK's {@code HttpServer}: {@code POST /embed} through an
 * {@link EmbeddingPool} (400 with the offending index for a bad input, 503 with {@code Retry-After} when the pool has
 * no capacity, 500 otherwise) and {@code GET /load} with its load. Any process can become a remote embedding worker
 * that {@link RemoteWorkerBackend} talks to:
 *
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress(8080), 128);
 * WorkerEndpoints.of(pool).register(server);
 * server.start();
 * }</pre>
 *
 * <p>It counts the requests answered with vectors and the texts embedded. It does not own the pool.
 */
public final class WorkerEndpoints {
  private static final Logger log = LoggerFactory.getLogger(WorkerEndpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final EmbeddingPool pool;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong texts = new AtomicLong();

  private WorkerEndpoints(EmbeddingPool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /** The endpoints for {@code pool}. */
  public static WorkerEndpoints of(EmbeddingPool pool) {
    return new WorkerEndpoints(pool);
  }

  /** Adds {@link WorkerProtocol#EMBED_PATH} and {@link WorkerProtocol#LOAD_PATH} to {@code server}. */
  public void register(HttpServer server) {
    server.createContext(WorkerProtocol.EMBED_PATH, this::embed);
    server.createContext(WorkerProtocol.LOAD_PATH, this::load);
  }

  /** {@code POST /embed} requests answered with vectors. */
  public long requests() {
    return requests.get();
  }

  /** Texts embedded. */
  public long texts() {
    return texts.get();
  }

  /** The pool behind the endpoints. */
  public EmbeddingPool pool() {
    return pool;
  }

  /** Writes {@code body} as JSON with {@code status}. */
  public static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
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
      for (CompletableFuture<Embedding> future : pool.submitAll(request.inputs())) {
        Embedding embedding;
        try {
          embedding = future.join();
        } catch (CompletionException e) {
          failure(exchange, e.getCause());
          return;
        }
        vectors.add(embedding.vector());
        truncated.add(embedding.truncated());
        backend = embedding.backend();
      }
      requests.incrementAndGet();
      texts.addAndGet(vectors.size());
      send(exchange, 200, new WorkerProtocol.EmbedResponse(vectors, truncated, backend));
    }
  }

  private static void failure(HttpExchange exchange, Throwable cause) throws IOException {
    if (cause instanceof EmbeddingInputException input) {
      send(exchange, 400, new WorkerProtocol.ErrorResponse(input.getMessage(), input.index()));
    } else if (cause instanceof NoCapacityException busy) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      send(exchange, 503, new WorkerProtocol.ErrorResponse(busy.getMessage(), -1));
    } else {
      log.warn("embedding failed", cause);
      send(exchange, 500, new WorkerProtocol.ErrorResponse(String.valueOf(cause), -1));
    }
  }

  private void load(HttpExchange exchange) throws IOException {
    try (exchange) {
      PoolLoad load = pool.load();
      send(exchange, 200, new WorkerProtocol.LoadReport(load.pending(), load.inFlight(), load.capacity(),
          load.level().name()));
    }
  }

  @Override
  public String toString() {
    return "WorkerEndpoints{" + pool + ", requests=" + requests() + ", texts=" + texts() + '}';
  }
}
