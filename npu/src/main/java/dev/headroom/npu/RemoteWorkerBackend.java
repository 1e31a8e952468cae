package dev.headroom.npu;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A remote embedding worker (an NPU box running the examples' {@code NpuWorkerServer}, or anything that speaks
 * {@link WorkerProtocol}): batches go out as {@code POST /embed}. The worker tokenizes, so batches carry texts.
 *
 * <pre>{@code
 * RemoteWorkerBackend npu1 = RemoteWorkerBackend.builder("npu-1", URI.create("http://10.0.0.7:8080"))
 *     .maxConcurrency(4).maxBatchSize(32).build();
 * }</pre>
 */
public final class RemoteWorkerBackend implements EmbeddingBackend {
  private final String id;
  private final URI embedUri;
  private final int dimensions;
  private final int maxBatchSize;
  private final int maxConcurrency;
  private final JsonPost http;
  private final Map<String, String> labels;

  private RemoteWorkerBackend(Builder b) {
    this.id = b.id;
    this.embedUri = b.base.resolve(WorkerProtocol.EMBED_PATH);
    this.dimensions = b.dimensions;
    this.maxBatchSize = b.maxBatchSize;
    this.maxConcurrency = b.maxConcurrency;
    this.http = new JsonPost(b.id, b.client != null ? b.client : JsonPost.defaultClient(b.connectTimeout), b.timeout);
    this.labels = Map.of("kind", "remote", "uri", b.base.toString());
  }

  /** A builder for the worker at {@code base} (scheme, host and port). */
  public static Builder builder(String id, URI base) {
    return new Builder(id, base);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimensions() {
    return dimensions;
  }

  @Override
  public int maxBatchSize() {
    return maxBatchSize;
  }

  @Override
  public int maxConcurrency() {
    return maxConcurrency;
  }

  @Override
  public boolean needsTokens() {
    return false;
  }

  @Override
  public Map<String, String> labels() {
    return labels;
  }

  @Override
  public List<float[]> embed(EmbeddingBatch batch) throws IOException, InterruptedException {
    WorkerProtocol.EmbedResponse response = http.post(embedUri,
        new WorkerProtocol.EmbedRequest(batch.texts()), Map.of(), WorkerProtocol.EmbedResponse.class);
    return response.embeddings(); // the pool checks count, dimension and content (EmbeddingCheck)
  }

  @Override
  public void close() {
    // the JDK client has nothing to release before Java 21
  }

  @Override
  public String toString() {
    return "RemoteWorkerBackend{" + id + ", " + embedUri + ", concurrency " + maxConcurrency + '}';
  }

  /** Builds a {@link RemoteWorkerBackend}. */
  public static final class Builder {
    private final String id;
    private final URI base;
    private int dimensions = 384;
    private int maxBatchSize = 32;
    private int maxConcurrency = 4;
    private Duration timeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private HttpClient client;

    private Builder(String id, URI base) {
      this.id = Objects.requireNonNull(id, "id");
      this.base = Objects.requireNonNull(base, "base");
    }

    /** The vector size the worker's model produces; default 384. */
    public Builder dimensions(int value) {
      this.dimensions = value;
      return this;
    }

    /** Texts per request; default 32. */
    public Builder maxBatchSize(int value) {
      this.maxBatchSize = value;
      return this;
    }

    /** Requests at once; default 4 (match the worker's capacity). */
    public Builder maxConcurrency(int value) {
      this.maxConcurrency = value;
      return this;
    }

    /** The per-request timeout; default 10 s. */
    public Builder timeout(Duration value) {
      this.timeout = Objects.requireNonNull(value, "timeout");
      return this;
    }

    /** The connect timeout of the default client; default 2 s. */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
      return this;
    }

    /** A client of your own (proxy, TLS, executor). */
    public Builder httpClient(HttpClient value) {
      this.client = Objects.requireNonNull(value, "httpClient");
      return this;
    }

    /** Validates and builds. */
    public RemoteWorkerBackend build() {
      Checks checks = Checks.in("remote worker '" + id + "'");
      checks.nonBlank("id", id);
      if (base.getScheme() == null || !base.getScheme().startsWith("http") || base.getHost() == null) {
        throw checks.invalid("uri", base, "must be an http(s) URI with a host");
      }
      checks.atLeast("dimensions", dimensions, 1);
      checks.atLeast("maxBatchSize", maxBatchSize, 1);
      checks.atLeast("maxConcurrency", maxConcurrency, 1);
      checks.positive("timeout", timeout);
      return new RemoteWorkerBackend(this);
    }
  }
}
