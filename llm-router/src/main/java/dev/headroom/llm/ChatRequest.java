package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A request for a model's answer: a chat ({@code /api/chat}) from a list of {@link Message}s, or a completion
 * ({@code /api/generate}) from a prompt. Immutable; build one with {@link #chat(String)} or
 * {@link #generate(String, String)}.
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.chat("llama3.2")
 *     .system("Answer in one sentence.")
 *     .user("Why is the sky blue?")
 *     .temperature(0)                       // deterministic: may be answered from the response cache
 *     .maxQueueWait(Duration.ofMillis(500)) // overflow to the cloud if a local slot is further away than this
 *     .build();
 * }</pre>
 *
 * <p>A request is <em>deterministic</em> when its temperature is 0 or it sets a seed; only those are cached.
 */
public final class ChatRequest {
  /** The subject of a bad request's {@link dev.headroom.core.ConfigException}; paths are the builder's names. */
  private static final Checks CHECKS = Checks.in("chat request");
  /** Which Ollama endpoint a request uses. */
  public enum Kind {
    /** {@code /api/chat} with messages. */
    CHAT,
    /** {@code /api/generate} with a prompt (sent to the cloud as one user message). */
    GENERATE
  }

  private final Kind kind;
  private final String model;
  private final List<Message> messages;
  private final String prompt;
  private final String system;
  private final Double temperature;
  private final Long seed;
  private final Integer maxTokens;
  private final boolean idempotent;
  private final Duration maxQueueWait;
  private final Duration timeout;

  private ChatRequest(Builder b) {
    this.kind = b.kind;
    this.model = b.model;
    this.messages = List.copyOf(b.messages);
    this.prompt = b.prompt;
    this.system = b.system;
    this.temperature = b.temperature;
    this.seed = b.seed;
    this.maxTokens = b.maxTokens;
    this.idempotent = b.idempotent;
    this.maxQueueWait = b.maxQueueWait;
    this.timeout = b.timeout;
  }

  /** A chat request for {@code model} (a model name or an alias configured on the router). */
  public static Builder chat(String model) {
    return new Builder(Kind.CHAT, model);
  }

  /** A completion request for {@code model} and {@code prompt}. */
  public static Builder generate(String model, String prompt) {
    Builder b = new Builder(Kind.GENERATE, model);
    b.prompt = Objects.requireNonNull(prompt, "prompt");
    return b;
  }

  /** Chat or generate. */
  public Kind kind() {
    return kind;
  }

  /** The model name or alias, as given. */
  public String model() {
    return model;
  }

  /** The chat messages (empty for a generate request). */
  public List<Message> messages() {
    return messages;
  }

  /** The prompt of a generate request (empty for a chat). */
  public String prompt() {
    return prompt == null ? "" : prompt;
  }

  /** The system prompt of a generate request, if set. */
  public Optional<String> system() {
    return Optional.ofNullable(system);
  }

  /** The sampling temperature, if set. */
  public OptionalDouble temperature() {
    return temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature);
  }

  /** The sampling seed, if set. */
  public OptionalLong seed() {
    return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
  }

  /** The most tokens to generate ({@code num_predict}, {@code max_tokens}), if set. */
  public OptionalInt maxTokens() {
    return maxTokens == null ? OptionalInt.empty() : OptionalInt.of(maxTokens);
  }

  /** Whether the request may be sent again after a failure that happened after it was sent (default true). */
  public boolean idempotent() {
    return idempotent;
  }

  /** The longest this request may wait for a local slot before it overflows, if it overrides the router's. */
  public Optional<Duration> maxQueueWait() {
    return Optional.ofNullable(maxQueueWait);
  }

  /** The most the whole request may take, if it overrides the router's. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Whether the answer is reproducible (temperature 0 or a fixed seed), so it may be cached. */
  public boolean deterministic() {
    return (temperature != null && temperature == 0.0) || seed != null;
  }

  /** All message contents (or the system prompt and prompt) joined by newlines: what the model reads. */
  public String promptText() {
    if (kind == Kind.GENERATE) {
      return system == null ? prompt() : system + "\n" + prompt();
    }
    StringBuilder text = new StringBuilder();
    for (Message m : messages) {
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append(m.content());
    }
    return text.toString();
  }

  /** A builder pre-filled with this request. */
  public Builder toBuilder() {
    Builder b = new Builder(kind, model);
    b.messages.addAll(messages);
    b.prompt = prompt;
    b.system = system;
    b.temperature = temperature;
    b.seed = seed;
    b.maxTokens = maxTokens;
    b.idempotent = idempotent;
    b.maxQueueWait = maxQueueWait;
    b.timeout = timeout;
    return b;
  }

  @Override
  public String toString() {
    return "ChatRequest{" + kind + " " + model + ", " + (kind == Kind.CHAT ? messages.size() + " messages"
        : prompt().length() + " chars") + (temperature == null ? "" : ", temperature=" + temperature)
        + (seed == null ? "" : ", seed=" + seed) + (maxTokens == null ? "" : ", maxTokens=" + maxTokens) + '}';
  }

  /** Builds a {@link ChatRequest}. */
  public static final class Builder {
    private final Kind kind;
    private final String model;
    private final List<Message> messages = new ArrayList<>();
    private String prompt;
    private String system;
    private Double temperature;
    private Long seed;
    private Integer maxTokens;
    private boolean idempotent = true;
    private Duration maxQueueWait;
    private Duration timeout;

    private Builder(Kind kind, String model) {
      this.kind = kind;
      this.model = model;
    }

    /** Appends a message. */
    public Builder message(Message value) {
      messages.add(Objects.requireNonNull(value, "message"));
      return this;
    }

    /** Appends a system message (for a generate request: sets its system prompt). */
    public Builder system(String content) {
      if (kind == Kind.GENERATE) {
        this.system = Objects.requireNonNull(content, "system");
        return this;
      }
      return message(Message.system(content));
    }

    /** Appends a user message. */
    public Builder user(String content) {
      return message(Message.user(content));
    }

    /** Appends an assistant message. */
    public Builder assistant(String content) {
      return message(Message.assistant(content));
    }

    /** The sampling temperature, >= 0 (0 makes the request deterministic). */
    public Builder temperature(double value) {
      this.temperature = CHECKS.nonNegative("temperature", value);
      return this;
    }

    /** A fixed sampling seed (makes the request deterministic). */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** The most tokens to generate, >= 1. */
    public Builder maxTokens(int value) {
      CHECKS.atLeast("maxTokens", value, 1);
      this.maxTokens = value;
      return this;
    }

    /** Whether the request may be re-sent after a failure once it was sent; default true (generation is pure). */
    public Builder idempotent(boolean value) {
      this.idempotent = value;
      return this;
    }

    /** Overflow to the next tier when a local slot is predicted further away than this (overrides the router's). */
    public Builder maxQueueWait(Duration value) {
      Objects.requireNonNull(value, "maxQueueWait");
      this.maxQueueWait = CHECKS.nonNegative("maxQueueWait", value);
      return this;
    }

    /** The most the whole request (waits, retries, generation) may take (overrides the router's). */
    public Builder timeout(Duration value) {
      Objects.requireNonNull(value, "timeout");
      this.timeout = CHECKS.positive("timeout", value);
      return this;
    }

    /** Validates and builds. */
    public ChatRequest build() {
      CHECKS.nonBlank("model", model);
      if (kind == Kind.CHAT && messages.isEmpty()) {
        throw Checks.in("chat request for '" + model + "'").invalid("messages", "[]", "must list at least one message");
      }
      return new ChatRequest(this);
    }
  }
}
