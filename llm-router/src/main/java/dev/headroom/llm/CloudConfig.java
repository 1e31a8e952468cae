package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The OpenAI-compatible cloud API that takes the overflow: where it is, its key, how many requests it may have at
 * once, which cloud model stands in for each local model, what the models cost and how much may be spent. Immutable.
 *
 * <pre>{@code
 * CloudConfig cloud = CloudConfig.builder(URI.create("https://api.openai.com"))
 *     .apiKey(System.getenv("OPENAI_API_KEY"))
 *     .model("llama3.2", "gpt-4o-mini")                      // local model -> cloud model
 *     .model("all-minilm", "text-embedding-3-small")
 *     .price("gpt-4o-mini", new ModelPrice(0.15, 0.60))
 *     .spendLimit(new SpendLimit(600, 0.50))                  // per minute
 *     .build();
 * }</pre>
 *
 * <p>The API key is sent only in the {@code Authorization} header. It never appears in {@link #toString()}, in
 * logs or in exception messages: error bodies that echo it are redacted.
 */
public final class CloudConfig {
  private final URI uri;
  private final Secret apiKey;
  private final int maxConcurrency;
  private final Map<String, String> models;
  private final Map<String, ModelPrice> prices;
  private final SpendLimit spendLimit;
  private final int assumedAnswerTokens;

  private CloudConfig(Builder b) {
    this.uri = b.uri;
    this.apiKey = b.apiKey;
    this.maxConcurrency = b.maxConcurrency;
    this.models = Map.copyOf(b.models);
    this.prices = Map.copyOf(b.prices);
    this.spendLimit = b.spendLimit;
    this.assumedAnswerTokens = b.assumedAnswerTokens;
  }

  /** A builder for the API at {@code uri} (the base, without {@code /v1}). */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** The base URI. */
  public URI uri() {
    return uri;
  }

  /** Whether an API key is set. */
  public boolean hasApiKey() {
    return apiKey != null;
  }

  Optional<Secret> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /** The most requests in flight to the cloud at once. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** Local model (or alias) to cloud model. */
  public Map<String, String> models() {
    return models;
  }

  /** Prices per cloud model. */
  public Map<String, ModelPrice> prices() {
    return prices;
  }

  /** The spend limit. */
  public SpendLimit spendLimit() {
    return spendLimit;
  }

  /** The answer length assumed when estimating the cost of a request that sets no max tokens. */
  public int assumedAnswerTokens() {
    return assumedAnswerTokens;
  }

  @Override
  public String toString() {
    return "CloudConfig{" + uri + ", apiKey=" + (apiKey == null ? "none" : Secret.MASK) + ", maxConcurrency="
        + maxConcurrency + ", models=" + models + ", spendLimit=" + spendLimit + '}';
  }

  /** Builds a {@link CloudConfig}. */
  public static final class Builder {
    private final URI uri;
    private Secret apiKey;
    private int maxConcurrency = 64;
    private final Map<String, String> models = new LinkedHashMap<>();
    private final Map<String, ModelPrice> prices = new LinkedHashMap<>();
    private SpendLimit spendLimit = SpendLimit.unlimited();
    private int assumedAnswerTokens = 512;

    private Builder(URI uri) {
      this.uri = uri;
    }

    /** The API key, sent as {@code Authorization: Bearer <key>}. */
    public Builder apiKey(String value) {
      this.apiKey = ApiChecks.apiKey(value, checks()); // the key itself is never shown
      return this;
    }

    /** The most requests in flight to the cloud at once; default 64. */
    public Builder maxConcurrency(int value) {
      this.maxConcurrency = value;
      return this;
    }

    /** Serves {@code localModel} (a model name or alias) with {@code cloudModel} on overflow. */
    public Builder model(String localModel, String cloudModel) {
      models.put(Objects.requireNonNull(localModel, "localModel"), Objects.requireNonNull(cloudModel, "cloudModel"));
      return this;
    }

    /** The price of a cloud model. */
    public Builder price(String cloudModel, ModelPrice price) {
      prices.put(Objects.requireNonNull(cloudModel, "cloudModel"), Objects.requireNonNull(price, "price"));
      return this;
    }

    /** The spend limit; default unlimited. */
    public Builder spendLimit(SpendLimit value) {
      this.spendLimit = Objects.requireNonNull(value, "spendLimit");
      return this;
    }

    /** The answer length assumed for cost estimates when a request sets no max tokens; default 512. */
    public Builder assumedAnswerTokens(int value) {
      this.assumedAnswerTokens = value;
      return this;
    }

    /** The checks of this cloud's settings: subject {@code cloud '<uri>'}, paths the builder's names. */
    private Checks checks() {
      return Checks.in("cloud '" + uri + "'");
    }

    /** Validates and builds. */
    public CloudConfig build() {
      Checks checks = checks();
      ApiChecks.httpUri(uri, checks);
      checks.atLeast("maxConcurrency", maxConcurrency, 1);
      checks.atLeast("assumedAnswerTokens", assumedAnswerTokens, 1);
      if (spendLimit.limitsCost()) {
        for (String cloudModel : models.values()) {
          if (!prices.containsKey(cloudModel)) {
            throw Checks.in("cloud model '" + cloudModel + "'").invalid("price", "none",
                "must be set when spendLimit.maxCostPerMinute is");
          }
        }
      }
      return new CloudConfig(this);
    }
  }
}
