package dev.headroom.npu;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.headroom.core.BackendException;
import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OpenAI-compatible {@code POST /v1/embeddings} API, the overflow tier of an {@link EmbeddingPool}. Sends
 * {@code {"model", "input": [...], "encoding_format": "float"}} with a bearer key and reads
 * {@code data[].embedding} by {@code index}.
 *
 * <p>Vectors from different models are not comparable, so the cloud must serve the same model as the local
 * backends (for example all-MiniLM-L6-v2 behind a hosted OpenAI-compatible server); the pool checks that the
 * dimensions agree and this backend checks every reply. The API key is sent only in the Authorization header: it
 * is never logged, never put in an exception and never shown by {@link #toString()}.
 *
 * <pre>{@code
 * CloudEmbeddingBackend cloud = CloudEmbeddingBackend.builder(URI.create("https://api.example.com"), apiKey)
 *     .model("sentence-transformers/all-MiniLM-L6-v2").dimensions(384).build();
 * }</pre>
 */
public final class CloudEmbeddingBackend implements EmbeddingBackend {
  private final String id;
  private final URI uri;
  private final String model;
  private final int dimensions;
  private final boolean sendDimensions;
  private final int maxBatchSize;
  private final int maxConcurrency;
  private final String authorization;
  private final JsonPost http;
  private final Map<String, String> labels;

  private CloudEmbeddingBackend(Builder b) {
    this.id = b.id;
    String path = b.base.getPath() == null ? "" : b.base.getPath().replaceAll("/+$", "");
    this.uri = b.base.resolve(path + (path.endsWith("/v1") ? "/embeddings" : "/v1/embeddings"));
    this.model = b.model;
    this.dimensions = b.dimensions;
    this.sendDimensions = b.sendDimensions;
    this.maxBatchSize = b.maxBatchSize;
    this.maxConcurrency = b.maxConcurrency;
    this.authorization = "Bearer " + b.apiKey;
    this.http = new JsonPost(b.id, b.client != null ? b.client : JsonPost.defaultClient(b.connectTimeout), b.timeout);
    this.labels = Map.of("kind", "cloud", "model", model);
  }

  /**
   * A builder for the API at {@code base} ({@code https://host} or {@code https://host/v1}).
   *
   * @param apiKey the bearer key; kept out of every log, exception and toString
   */
  public static Builder builder(URI base, String apiKey) {
    return new Builder(base, apiKey);
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
    Request body = new Request(model, batch.texts(), "float", sendDimensions ? dimensions : null);
    Response response = http.post(uri, body, Map.of("Authorization", authorization), Response.class);
    if (response.data() == null || response.data().size() != batch.size()) {
      throw new BackendException(id, 200, "returned " + (response.data() == null ? 0 : response.data().size())
          + " embeddings for " + batch.size() + " inputs");
    }
    List<float[]> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      out.add(null);
    }
    for (Datum datum : response.data()) {
      if (datum.index() < 0 || datum.index() >= batch.size() || out.get(datum.index()) != null
          || datum.embedding() == null) {
        throw new BackendException(id, 200, "reply has a missing, repeated or out-of-range index " + datum.index());
      }
      if (datum.embedding().length != dimensions) {
        throw new BackendException(id, 200, "model '" + model + "' returned " + datum.embedding().length
            + " dimensions, expected " + dimensions);
      }
      out.set(datum.index(), Vectors.normalize(datum.embedding()));
    }
    return out;
  }

  @Override
  public void close() {
    // the JDK client has nothing to release before Java 21
  }

  @Override
  public String toString() {
    return "CloudEmbeddingBackend{" + id + ", " + uri + ", model " + model + ", key ****}";
  }

  /** The request body. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Request(String model, List<String> input, String encoding_format, Integer dimensions) {}

  /** The reply body (other fields, such as usage, are ignored). */
  record Response(List<Datum> data, String model) {}

  /** One embedding of the reply. */
  record Datum(int index, float[] embedding) {}

  /** Builds a {@link CloudEmbeddingBackend}. */
  public static final class Builder {
    private final URI base;
    private final String apiKey;
    private String id = "cloud";
    private String model = "text-embedding-3-small";
    private int dimensions = 384;
    private boolean sendDimensions;
    private int maxBatchSize = 64;
    private int maxConcurrency = 4;
    private Duration timeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private HttpClient client;

    private Builder(URI base, String apiKey) {
      this.base = Objects.requireNonNull(base, "base");
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    /** The backend id; default {@code cloud}. */
    public Builder id(String value) {
      this.id = Objects.requireNonNull(value, "id");
      return this;
    }

    /** The model name sent in each request. */
    public Builder model(String value) {
      this.model = Objects.requireNonNull(value, "model");
      return this;
    }

    /** The vector size expected back; default 384 (the local model's). */
    public Builder dimensions(int value) {
      this.dimensions = value;
      return this;
    }

    /** Whether to send {@code "dimensions"} (for models that can shorten their vectors); default false. */
    public Builder sendDimensions(boolean value) {
      this.sendDimensions = value;
      return this;
    }

    /** Inputs per request; default 64. */
    public Builder maxBatchSize(int value) {
      this.maxBatchSize = value;
      return this;
    }

    /** Requests at once; default 4. */
    public Builder maxConcurrency(int value) {
      this.maxConcurrency = value;
      return this;
    }

    /** The per-request timeout; default 30 s. */
    public Builder timeout(Duration value) {
      this.timeout = Objects.requireNonNull(value, "timeout");
      return this;
    }

    /** The connect timeout of the default client; default 5 s. */
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
    public CloudEmbeddingBackend build() {
      Checks checks = Checks.in("cloud '" + id + "'");
      if (base.getScheme() == null || !base.getScheme().startsWith("http") || base.getHost() == null) {
        throw checks.invalid("uri", base, "must be an http(s) URI with a host");
      }
      if (apiKey.isBlank()) {
        throw checks.invalid("apiKey", "<blank>", "must be non-empty"); // never the key itself
      }
      checks.nonBlank("id", id);
      checks.nonBlank("model", model);
      checks.atLeast("dimensions", dimensions, 1);
      checks.atLeast("maxBatchSize", maxBatchSize, 1);
      checks.atLeast("maxConcurrency", maxConcurrency, 1);
      return new CloudEmbeddingBackend(this);
    }
  }
}
