package dev.headroom.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.time.Duration;
import java.util.Objects;

/**
 * LangChain4j's response metadata plus where Headroom sent the request: the endpoint and tier that answered and the
 * time to the first token. The metadata of every response of {@link HeadroomChatModel} and
 * {@link HeadroomStreamingChatModel}; immutable.
 *
 * <pre>{@code
 * if (response.metadata() instanceof HeadroomChatResponseMetadata headroom && headroom.tier().equals("cloud")) {
 *   ... // answered by the cloud tier
 * }
 * }</pre>
 */
public final class HeadroomChatResponseMetadata extends ChatResponseMetadata {
  private final String endpoint;
  private final String tier;
  private final Duration timeToFirstToken;

  private HeadroomChatResponseMetadata(Builder b) {
    super(b);
    this.endpoint = Objects.requireNonNull(b.endpoint, "endpoint");
    this.tier = Objects.requireNonNull(b.tier, "tier");
    this.timeToFirstToken = Objects.requireNonNull(b.timeToFirstToken, "timeToFirstToken");
  }

  /** A builder (for tests and for wrapping models; the adapters build their own). */
  public static Builder builder() {
    return new Builder();
  }

  /** The id of the endpoint that answered ({@code cache} for an answer from the response cache). */
  public String endpoint() {
    return endpoint;
  }

  /** The tier that answered: {@code local}, {@code remote}, {@code cloud} or {@code cache}. */
  public String tier() {
    return tier;
  }

  /** Time from sending to the first token; zero when unknown. */
  public Duration timeToFirstToken() {
    return timeToFirstToken;
  }

  @Override
  public Builder toBuilder() {
    Builder b = (Builder) toBuilder(builder());
    return b.endpoint(endpoint).tier(tier).timeToFirstToken(timeToFirstToken);
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && o instanceof HeadroomChatResponseMetadata that && endpoint.equals(that.endpoint)
        && tier.equals(that.tier) && timeToFirstToken.equals(that.timeToFirstToken);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), endpoint, tier, timeToFirstToken);
  }

  @Override
  public String toString() {
    return "HeadroomChatResponseMetadata{modelName='" + modelName() + "', tokenUsage=" + tokenUsage()
        + ", finishReason=" + finishReason() + ", endpoint='" + endpoint + "', tier='" + tier
        + "', timeToFirstToken=" + timeToFirstToken + '}';
  }

  /** Builds a {@link HeadroomChatResponseMetadata}. */
  public static final class Builder extends ChatResponseMetadata.Builder<Builder> {
    private String endpoint;
    private String tier;
    private Duration timeToFirstToken = Duration.ZERO;

    private Builder() {}

    /** The id of the endpoint that answered; required. */
    public Builder endpoint(String value) {
      this.endpoint = value;
      return this;
    }

    /** The tier that answered; required. */
    public Builder tier(String value) {
      this.tier = value;
      return this;
    }

    /** Time from sending to the first token (default zero: unknown). */
    public Builder timeToFirstToken(Duration value) {
      this.timeToFirstToken = value;
      return this;
    }

    /** Validates and builds. */
    @Override
    public HeadroomChatResponseMetadata build() {
      return new HeadroomChatResponseMetadata(this);
    }
  }
}
