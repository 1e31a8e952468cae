package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * An OpenAI-compatible API that {@linkplain Deployment deployments} of a {@link ModelGroup} run on: OpenAI, Azure
 * OpenAI's v1 API, a vLLM or llama.cpp server, any server of {@code /v1/chat/completions}. Where it is, its key and the
 * header the key goes in. Immutable.
 *
 * <pre>{@code
 * Provider openai = Provider.builder("openai", URI.create("https://api.openai.com"))
 *     .apiKey(System.getenv("OPENAI_API_KEY")).build();
 * Provider azure = Provider.builder("azure", URI.create("https://my-resource.openai.azure.com/openai"))
 *     .apiKey(System.getenv("AZURE_OPENAI_API_KEY")).apiKeyHeader("api-key").build();
 * Provider vllm = Provider.builder("vllm", URI.create("http://10.0.0.9:8000")).build();   // no key
 * }</pre>
 *
 * <p>The key is sent only in its header. It never appears in {@link #toString()}, in logs or in exception messages:
 * error bodies that echo it are redacted.
 */
public final class Provider {
  private final String name;
  private final URI uri;
  private final Secret apiKey;
  private final String apiKeyHeader;

  private Provider(Builder b) {
    this.name = b.name;
    this.uri = b.uri;
    this.apiKey = b.apiKey;
    this.apiKeyHeader = b.apiKeyHeader;
  }

  /** A builder for the API named {@code name} at {@code uri} (the base, without {@code /v1}). */
  public static Builder builder(String name, URI uri) {
    return new Builder(name, uri);
  }

  /** The provider's name, the first part of its deployments' ids ({@code openai/gpt-4o-mini}). */
  public String name() {
    return name;
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

  /** The header the key is sent in: {@code Authorization} (as {@code Bearer <key>}) or another, such as Azure's. */
  public String apiKeyHeader() {
    return apiKeyHeader;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Provider p && name.equals(p.name) && uri.equals(p.uri) && apiKeyHeader.equals(p.apiKeyHeader)
        && Objects.equals(apiKey == null ? null : apiKey.reveal(), p.apiKey == null ? null : p.apiKey.reveal());
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, uri);
  }

  @Override
  public String toString() {
    return "Provider{" + name + ", " + uri + ", apiKey=" + (apiKey == null ? "none" : Secret.MASK) + '}';
  }

  /** Builds a {@link Provider}. */
  public static final class Builder {
    private final String name;
    private final URI uri;
    private Secret apiKey;
    private String apiKeyHeader = "Authorization";

    private Builder(String name, URI uri) {
      this.name = name;
      this.uri = uri;
    }

    /** The API key, sent as {@code Authorization: Bearer <key>} unless {@link #apiKeyHeader} names another. */
    public Builder apiKey(String value) {
      this.apiKey = ApiChecks.apiKey(value, checks()); // the key itself is never shown
      return this;
    }

    /**
     * The header the key goes in, sent as the bare key (Azure OpenAI's {@code api-key}); default
     * {@code Authorization}, sent as {@code Bearer <key>}.
     */
    public Builder apiKeyHeader(String value) {
      this.apiKeyHeader = Objects.requireNonNull(value, "apiKeyHeader");
      return this;
    }

    private Checks checks() {
      return Checks.in("provider '" + name + "'");
    }

    /** Validates and builds. */
    public Provider build() {
      Checks.in("provider").nonBlank("name", name);
      if (name.contains("/")) {
        throw checks().invalid("name", name, "must not contain '/'");
      }
      Checks checks = checks();
      ApiChecks.httpUri(uri, checks);
      if (!apiKeyHeader.matches("[A-Za-z0-9-]+")) {
        throw checks.invalid("apiKeyHeader", apiKeyHeader, "must be an HTTP header name");
      }
      return new Provider(this);
    }
  }
}
