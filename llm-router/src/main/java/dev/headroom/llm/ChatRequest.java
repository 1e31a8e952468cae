package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Beyond messages: {@link Builder#tool tools} the model may call (its calls come back in
 * {@link ChatResponse#toolCalls()}), a {@link Builder#format format} (JSON, or JSON following a schema), images
 * ({@link Message#user(String, List)}), model {@link Builder#option options} passed through untouched, and
 * {@link Builder#keepAlive keep_alive} and {@link Builder#think think}. On overflow to an OpenAI-compatible cloud the
 * same request is translated ({@code tools}, {@code response_format}, image parts, {@code stop}, {@code top_p},
 * {@code max_tokens}) and the reply translated back.
 *
 * <p>A request is <em>deterministic</em> when its temperature is 0 or it sets a seed; only those without tools are
 * cached, under a key of everything the node is sent.
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
  private final List<Tool> tools;
  private final ResponseFormat format;
  private final Map<String, Object> options;
  private final List<String> images;
  private final Duration keepAlive;
  private final Boolean think;
  private final String conversation;
  private volatile String promptText; // made on first use: spend, groups and affinity each read it

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
    this.tools = List.copyOf(b.tools);
    this.format = b.format;
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
    this.images = List.copyOf(b.images);
    this.keepAlive = b.keepAlive;
    this.think = b.think;
    this.conversation = b.conversation;
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

  /** The tools the model may call (empty: none). */
  public List<Tool> tools() {
    return tools;
  }

  /** The shape the answer must take; {@link ResponseFormat#text()} by default. */
  public ResponseFormat format() {
    return format;
  }

  /**
   * Model options beyond temperature, seed and max tokens, as Ollama names them ({@code num_ctx}, {@code top_p},
   * {@code top_k}, {@code stop}, {@code repeat_penalty}, ...), in the order set: sent to Ollama untouched; on
   * overflow to the cloud, {@code top_p}, {@code stop}, {@code presence_penalty} and {@code frequency_penalty} are
   * translated and the rest, which the OpenAI API does not know, are left out.
   */
  public Map<String, Object> options() {
    return options;
  }

  /** The images of a generate request (base64); a chat's images are on its {@link Message}s. */
  public List<String> images() {
    return images;
  }

  /** How long the node should keep the model in memory after this request ({@code keep_alive}), if set. */
  public Optional<Duration> keepAlive() {
    return Optional.ofNullable(keepAlive);
  }

  /** Whether a thinking model should think first ({@code think}), if set. */
  public Optional<Boolean> think() {
    return Optional.ofNullable(think);
  }

  /** The conversation this request belongs to, for {@link ConversationAffinity}, if set. */
  public Optional<String> conversation() {
    return Optional.ofNullable(conversation);
  }

  /** Whether the answer is reproducible (temperature 0 or a fixed seed), so it may be cached. */
  public boolean deterministic() {
    return (temperature != null && temperature == 0.0) || seed != null;
  }

  /** All message contents (or the system prompt and prompt) joined by newlines: what the model reads. */
  public String promptText() {
    String text = promptText;
    if (text == null) {
      text = joinedText();
      promptText = text; // a race makes the same string twice, nothing worse
    }
    return text;
  }

  private String joinedText() {
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
    b.tools.addAll(tools);
    b.format = format;
    b.options.putAll(options);
    b.images.addAll(images);
    b.keepAlive = keepAlive;
    b.think = think;
    b.conversation = conversation;
    return b;
  }

  @Override
  public String toString() {
    return "ChatRequest{" + kind + " " + model + ", " + (kind == Kind.CHAT ? messages.size() + " messages"
        : prompt().length() + " chars") + (temperature == null ? "" : ", temperature=" + temperature)
        + (seed == null ? "" : ", seed=" + seed) + (maxTokens == null ? "" : ", maxTokens=" + maxTokens)
        + (tools.isEmpty() ? "" : ", tools=" + tools.stream().map(Tool::name).toList())
        + (format.kind() == ResponseFormat.Kind.TEXT ? "" : ", format=" + format.kind())
        + (options.isEmpty() ? "" : ", options=" + options.keySet()) + '}';
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
    private final List<Tool> tools = new ArrayList<>();
    private ResponseFormat format = ResponseFormat.text();
    private final Map<String, Object> options = new LinkedHashMap<>();
    private final List<String> images = new ArrayList<>();
    private Duration keepAlive;
    private Boolean think;
    private String conversation;

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

    /** Adds a tool the model may call. */
    public Builder tool(Tool value) {
      tools.add(Objects.requireNonNull(value, "tool"));
      return this;
    }

    /** The shape the answer must take (JSON, or JSON following a schema); default free text. */
    public Builder format(ResponseFormat value) {
      this.format = Objects.requireNonNull(value, "format");
      return this;
    }

    /**
     * Sets a model option by its Ollama name ({@code num_ctx}, {@code top_p}, {@code repeat_penalty}, ...), passed
     * through untouched. The value is a number, a string, a boolean or a list of those. Temperature, seed and
     * {@code num_predict} have their own setters, which win.
     */
    public Builder option(String key, Object value) {
      CHECKS.nonBlank("option name", key);
      options.put(key, optionValue(key, value));
      return this;
    }

    /** Nucleus sampling ({@code top_p}), in (0, 1]. */
    public Builder topP(double value) {
      if (!(value > 0 && value <= 1)) {
        throw CHECKS.invalid("topP", value, "must be in (0, 1]");
      }
      return option("top_p", value);
    }

    /** Top-k sampling ({@code top_k}), >= 1. */
    public Builder topK(int value) {
      return option("top_k", CHECKS.atLeast("topK", value, 1));
    }

    /** The context window in tokens ({@code num_ctx}), >= 1. */
    public Builder numCtx(int value) {
      return option("num_ctx", CHECKS.atLeast("numCtx", value, 1));
    }

    /** Sequences that end generation ({@code stop}). */
    public Builder stop(String... sequences) {
      for (String sequence : sequences) {
        CHECKS.required("stop", sequence);
        if (sequence.isEmpty()) {
          throw CHECKS.invalid("stop", "\"\"", "must not be empty");
        }
      }
      return option("stop", List.of(sequences));
    }

    /** Adds an image (base64) to a generate request; a chat's images go on its messages. */
    public Builder image(String base64) {
      if (kind != Kind.GENERATE) {
        throw CHECKS.invalid("image", "(chat)", "goes on a message: Message.user(text, images)");
      }
      Message.user("", List.of(Objects.requireNonNull(base64, "image"))); // validates the base64
      images.add(base64);
      return this;
    }

    /** How long the node keeps the model in memory after this request ({@code keep_alive}); zero unloads it. */
    public Builder keepAlive(Duration value) {
      Objects.requireNonNull(value, "keepAlive");
      this.keepAlive = CHECKS.nonNegative("keepAlive", value);
      return this;
    }

    /** Whether a thinking model thinks first ({@code think}); its thoughts come in {@link ChatResponse#thinking()}. */
    public Builder think(boolean value) {
      this.think = value;
      return this;
    }

    /**
     * The conversation this request belongs to (a session or thread id): with {@link ConversationAffinity} its turns
     * go back to the node that served it last while that node's load allows. Without it a chat is known by its first
     * system and user messages.
     */
    public Builder conversation(String key) {
      this.conversation = CHECKS.nonBlank("conversation", key);
      return this;
    }

    private static Object optionValue(String key, Object value) {
      if (value instanceof Number || value instanceof String || value instanceof Boolean) {
        if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
          throw CHECKS.invalid("option " + key, value, "must be a finite number");
        }
        return value;
      }
      if (value instanceof List<?> list) {
        for (Object item : list) {
          if (!(item instanceof Number || item instanceof String || item instanceof Boolean)) {
            throw CHECKS.invalid("option " + key, value, "must list numbers, strings or booleans");
          }
        }
        return List.copyOf(list);
      }
      throw CHECKS.invalid("option " + key, value, "must be a number, a string, a boolean or a list of those");
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
