package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One place a {@link ModelGroup}'s model runs: a model on the router's Ollama fleet, or a model on a
 * {@link Provider}, with its own limits. Immutable.
 *
 * <pre>{@code
 * Deployment.ollama("llama3.1:8b").contextWindow(8_192).build();            // the fleet: local, then remote pool
 * Deployment.on(openai, "gpt-4o-mini")
 *     .maxConcurrency(32)                     // requests in flight at once
 *     .requestsPerMinute(500)                 // paced: a request waits for its turn within the wait budget
 *     .tokensPerMinute(200_000)               // estimated prompt + answer tokens, paced the same way
 *     .contextWindow(128_000)                 // a larger prompt goes to a deployment it fits
 *     .price(new ModelPrice(0.15, 0.60))      // counted against the group's spend limit
 *     .build();
 * }</pre>
 *
 * <p>A provider's deployment is a tier of its own, named by its {@link #id()} ({@code openai/gpt-4o-mini}), with one
 * endpoint of the same id: its concurrency is a pool's, its cooldowns are the pool's (a 429 or 503 with
 * {@code Retry-After} benches it that long, a run of failures ejects it for a while), and its limits are token
 * buckets that are shared by every replica when the router has a fleet coordinator.
 */
public final class Deployment {
  private final Provider provider; // null: the Ollama fleet
  private final String model;
  private final String id;
  private final int maxConcurrency;
  private final long requests;
  private final Duration requestsPer;
  private final long tokens;
  private final Duration tokensPer;
  private final int contextWindow;
  private final ModelPrice price;
  private final int cooldownFailures;
  private final Duration cooldown;

  private Deployment(Builder b) {
    this.provider = b.provider;
    this.model = b.model;
    this.id = b.id != null ? b.id : provider == null ? "ollama" : provider.name() + "/" + model;
    this.maxConcurrency = b.maxConcurrency;
    this.requests = b.requests;
    this.requestsPer = b.requestsPer;
    this.tokens = b.tokens;
    this.tokensPer = b.tokensPer;
    this.contextWindow = b.contextWindow;
    this.price = b.price;
    this.cooldownFailures = b.cooldownFailures;
    this.cooldown = b.cooldown;
  }

  /** A deployment of {@code model} on the router's Ollama nodes (the local pool, then the second one). */
  public static Builder ollama(String model) {
    return new Builder(null, model);
  }

  /** A deployment of {@code model} on {@code provider}. */
  public static Builder on(Provider provider, String model) {
    return new Builder(Objects.requireNonNull(provider, "provider"), model);
  }

  /** Whether this is the Ollama fleet's deployment. */
  public boolean isOllama() {
    return provider == null;
  }

  /** The provider; empty for the Ollama fleet. */
  public Optional<Provider> provider() {
    return Optional.ofNullable(provider);
  }

  /** The model name sent to the fleet or the provider. */
  public String model() {
    return model;
  }

  /** The id: the tier, endpoint and metric tag of a provider's deployment ({@code provider/model} by default). */
  public String id() {
    return id;
  }

  /** The most requests in flight at once on a provider's deployment. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** Requests allowed per {@link #requestsPer()}; 0: no limit. */
  public long requestLimit() {
    return requests;
  }

  /** The period of {@link #requestLimit()}. */
  public Duration requestsPer() {
    return requestsPer;
  }

  /** Estimated tokens (prompt and answer) allowed per {@link #tokensPer()}; 0: no limit. */
  public long tokenLimit() {
    return tokens;
  }

  /** The period of {@link #tokenLimit()}. */
  public Duration tokensPer() {
    return tokensPer;
  }

  /** The model's context window in tokens; 0: not known, every prompt is taken to fit. */
  public int contextWindow() {
    return contextWindow;
  }

  /** The price, counted against the group's spend limit; empty: free (a self-hosted server). */
  public Optional<ModelPrice> price() {
    return Optional.ofNullable(price);
  }

  /** Failures in a row that put a provider's deployment in cooldown. */
  public int cooldownFailures() {
    return cooldownFailures;
  }

  /** The first cooldown after {@link #cooldownFailures()} failures in a row (doubling while they go on). */
  public Duration cooldown() {
    return cooldown;
  }

  /** Whether a request of {@code tokens} estimated tokens (prompt and answer) fits the context window. */
  boolean fits(int tokens) {
    return contextWindow == 0 || tokens <= contextWindow;
  }

  @Override
  public String toString() {
    return "Deployment{" + id + (provider == null ? ", ollama " + model : ", " + provider) + '}';
  }

  /** Builds a {@link Deployment}. */
  public static final class Builder {
    private final Provider provider;
    private final String model;
    /** The provider-only settings this builder was given, by name: an Ollama deployment takes none of them. */
    private final java.util.Set<String> providerSettings = new java.util.LinkedHashSet<>();
    private String id;
    private int maxConcurrency = 64;
    private long requests;
    private Duration requestsPer = Duration.ofMinutes(1);
    private long tokens;
    private Duration tokensPer = Duration.ofMinutes(1);
    private int contextWindow;
    private ModelPrice price;
    private int cooldownFailures = 3;
    private Duration cooldown = Duration.ofSeconds(30);

    private Builder(Provider provider, String model) {
      this.provider = provider;
      this.model = model;
    }

    /** The id instead of {@code provider/model} (say, two deployments of one model on one provider). */
    public Builder id(String value) {
      providerSettings.add("id");
      this.id = Objects.requireNonNull(value, "id");
      return this;
    }

    /** The most requests in flight at once; default 64. Only a provider's deployment has its own. */
    public Builder maxConcurrency(int value) {
      providerSettings.add("maxConcurrency");
      this.maxConcurrency = value;
      return this;
    }

    /** At most {@code count} requests a minute, paced; default no limit. */
    public Builder requestsPerMinute(long count) {
      return requestLimit(count, Duration.ofMinutes(1));
    }

    /** At most {@code count} requests per {@code period}, refilled smoothly, paced. */
    public Builder requestLimit(long count, Duration period) {
      providerSettings.add("requestLimit");
      this.requests = count;
      this.requestsPer = Objects.requireNonNull(period, "period");
      return this;
    }

    /** At most {@code count} estimated tokens a minute, paced; default no limit. */
    public Builder tokensPerMinute(long count) {
      return tokenLimit(count, Duration.ofMinutes(1));
    }

    /** At most {@code count} estimated tokens per {@code period}, refilled smoothly, paced. */
    public Builder tokenLimit(long count, Duration period) {
      providerSettings.add("tokenLimit");
      this.tokens = count;
      this.tokensPer = Objects.requireNonNull(period, "period");
      return this;
    }

    /** The model's context window in tokens; default unknown (every prompt fits). */
    public Builder contextWindow(int value) {
      this.contextWindow = value;
      return this;
    }

    /** The model's price; default free. */
    public Builder price(ModelPrice value) {
      providerSettings.add("price");
      this.price = Objects.requireNonNull(value, "price");
      return this;
    }

    /**
     * After {@code failures} failed calls in a row (resets, 5xx, bad replies; not a 429, which is backpressure and
     * benches it for its {@code Retry-After} instead), the deployment gets no requests for {@code time}, doubling
     * while it keeps failing (up to ten times as long); default 3 failures, 30 s.
     */
    public Builder cooldownAfter(int failures, Duration time) {
      providerSettings.add("cooldownAfter");
      this.cooldownFailures = failures;
      this.cooldown = Objects.requireNonNull(time, "time");
      return this;
    }

    /** Validates and builds. */
    public Deployment build() {
      Checks.in("deployment").nonBlank("model", model);
      Checks checks = Checks.in("deployment '" + (id != null ? id : provider == null ? "ollama " + model
          : provider.name() + "/" + model) + "'");
      if (id != null) {
        checks.nonBlank("id", id);
      }
      checks.atLeast("maxConcurrency", maxConcurrency, 1);
      checks.atLeast("requestLimit", requests, 0L);
      checks.positive("requestsPer", requestsPer);
      checks.atLeast("tokenLimit", tokens, 0L);
      checks.positive("tokensPer", tokensPer);
      checks.atLeast("contextWindow", contextWindow, 0);
      checks.atLeast("cooldownFailures", cooldownFailures, 1);
      checks.positive("cooldown", cooldown);
      if (provider == null && !providerSettings.isEmpty()) {
        throw checks.invalid(providerSettings.iterator().next(), providerSettings, "an Ollama deployment takes only a "
            + "context window: the fleet's nodes have their own concurrency and ejection, and it has no rate limits, "
            + "price, cooldown or id");
      }
      return new Deployment(this);
    }
  }
}
