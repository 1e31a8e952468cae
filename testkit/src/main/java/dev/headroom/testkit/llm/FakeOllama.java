package dev.headroom.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An Ollama server on a free loopback port that speaks Ollama's HTTP API: {@code POST /api/chat},
 * {@code /api/generate} (NDJSON streaming by default, or one object with {@code "stream": false}), {@code /api/embed},
 * {@code GET /api/tags}, {@code /api/ps} and {@code /api/version}, with Ollama's error bodies ({@code {"error":...}}:
 * 404 for a model that is not on disk, 503 "server busy" when the queue is full).
 *
 * <p>It models what matters for routing: models on disk and models loaded in memory, a cold load that takes
 * {@code coldLoad} (once per model, concurrent requests wait for the same load) and is reported as
 * {@code load_duration}, {@code parallel} slots ({@code OLLAMA_NUM_PARALLEL}) and a queue of {@code maxQueue}
 * requests ({@code OLLAMA_MAX_QUEUE}) beyond which it answers 503, a prompt-evaluation time and a token rate, and the
 * faults of {@link LlmFault}. Times are real (it sleeps), scaled by {@link #slowDown(double)}.
 *
 * <pre>{@code
 * try (FakeOllama node = FakeOllama.builder("gpu-1").model("llama3.2").loaded("llama3.2").parallel(2).start()) {
 *   ... http://127.0.0.1:<node.port()>/api/chat ...
 * }
 * }</pre>
 */
public final class FakeOllama extends FakeServer {
  /** Ollama's reply when its queue is full (the text of its {@code ErrMaxQueue}). */
  public static final String BUSY_MESSAGE = "server busy, please try again.  maximum pending requests exceeded";

  private final int parallel;
  private final int maxQueue;
  private final Duration coldLoad;
  private final int answerTokens;
  private final String version;
  private final OllamaModels models;
  private final OllamaFaults faults;
  private final OllamaReplies replies;
  private final Semaphore slots;
  private volatile double slowdown = 1.0;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger inService = new AtomicInteger();
  private final AtomicInteger maxInService = new AtomicInteger();
  private final AtomicLong generations = new AtomicLong();
  private final AtomicLong busyReplies = new AtomicLong();
  private final Map<String, AtomicLong> perModel = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> generating = new ConcurrentHashMap<>();
  private final List<String> unloads = new CopyOnWriteArrayList<>();
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final AtomicLong unloadsWhileGenerating = new AtomicLong();
  private final List<String> sentTexts = new CopyOnWriteArrayList<>();

  private FakeOllama(Builder b) {
    super(b.name, b.seed);
    this.parallel = b.parallel;
    this.maxQueue = b.maxQueue;
    this.coldLoad = b.coldLoad;
    this.answerTokens = b.answerTokens;
    this.version = b.version;
    this.slots = new Semaphore(b.parallel, true);
    this.models = new OllamaModels(b.models, b.loaded, b.sizes);
    this.faults = new OllamaFaults(this, busyReplies);
    this.replies = new OllamaReplies(b.promptEval, b.promptEvalPerToken, b.cacheSlots > 0 ? b.cacheSlots : b.parallel,
        b.tokensPerSecond, b.answerTokens, b.embeddingDims,
        () -> slowdown, faults, sentTexts);
  }

  /** A builder for a node called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Ollama's model-name convention: a name without a tag means {@code :latest}. */
  public static String normalize(String model) {
    return model.indexOf(':') < 0 ? model + ":latest" : model;
  }

  /** Multiplies prompt evaluation, token and load times by {@code factor} from now on (1 restores speed). */
  public void slowDown(double factor) {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("factor must be > 0 but was " + factor);
    }
    this.slowdown = factor;
  }

  /** Puts a model on disk (as {@code ollama pull} would). */
  public void pull(String model) {
    models.pull(model);
  }

  /** Removes a model from disk and memory (as {@code ollama rm} would). */
  public void remove(String model) {
    models.remove(model);
  }

  /** Unloads a model from memory (as {@code keep_alive: 0} would); its next request pays the cold load. */
  public void unload(String model) {
    models.unload(model);
  }

  /** The bodies of the chat, generate and embed requests that arrived, in order. */
  public List<JsonNode> bodies() {
    return List.copyOf(bodies);
  }

  /** Prompt tokens that the slots' prompt caches spared from evaluation (a conversation back on its slot). */
  public long cachedPromptTokens() {
    return replies.cachedPromptTokens();
  }

  /** The models unloaded through the API ({@code keep_alive: 0} with no prompt), in order. */
  public List<String> apiUnloads() {
    return List.copyOf(unloads);
  }

  /** API unloads of a model that had requests generating at that moment (a router must never cause one). */
  public long unloadsWhileGenerating() {
    return unloadsWhileGenerating.get();
  }

  /** Whether a model is loaded in memory now. */
  public boolean isLoaded(String model) {
    return models.isLoaded(model);
  }

  /** Chat, generate and embed requests that arrived (busy and faulted ones included). */
  public long generations() {
    return generations.get();
  }

  /** Chat, generate and embed requests that arrived for {@code model}. */
  public long requestsFor(String model) {
    AtomicLong count = perModel.get(normalize(model));
    return count == null ? 0 : count.get();
  }

  /** Requests refused with 503 "server busy" because the queue was full (injected busy replies included). */
  public long busyReplies() {
    return busyReplies.get();
  }

  /** How many cold loads happened. */
  public long coldLoads() {
    return models.coldLoads();
  }

  /** The most requests generating at once (never above {@code parallel}). */
  public int maxInService() {
    return maxInService.get();
  }

  /** Requests generating or queued now. */
  public int pending() {
    return pending.get();
  }

  /** The answer texts this node sent, whole or as far as they got, in the order the replies ended. */
  public List<String> sentTexts() {
    return Collections.unmodifiableList(new ArrayList<>(sentTexts));
  }

  /** The full answer this node gives to {@code prompt} (all message contents joined by newlines, for chat). */
  public String answerFor(String model, String prompt, long seed, int maxTokens) {
    return TextGen.answer(normalize(model), prompt, seed, Math.min(answerTokens, maxTokens));
  }

  @Override
  public String toString() {
    return "FakeOllama{" + name + " " + uri() + ", parallel=" + parallel + ", maxQueue=" + maxQueue
        + ", slowdown=" + slowdown + ", loaded=" + models + (isRunning() ? "" : ", killed") + '}';
  }

  // ---------------------------------------------------------------- handling

  @Override
  void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    switch (path) {
      case "/api/version" -> sendJson(exchange, 200, JSON.createObjectNode().put("version", version));
      case "/api/tags" -> sendJson(exchange, 200, models.tags());
      case "/api/ps" -> sendJson(exchange, 200, models.ps());
      case "/api/chat", "/api/generate", "/api/embed" -> {
        if (!method.equals("POST")) {
          sendJson(exchange, 405, error("method not allowed"));
          return;
        }
        generate(exchange, path);
      }
      default -> sendJson(exchange, 404, "404 page not found");
    }
  }

  private void generate(HttpExchange exchange, String path) throws IOException {
    long arrived = System.nanoTime();
    JsonNode request = readJson(exchange);
    generations.incrementAndGet();
    if (request == null) {
      sendJson(exchange, 400, error("invalid character in request body"));
      return;
    }
    bodies.add(request);
    String model = request.path("model").asText("");
    if (model.isEmpty()) {
      sendJson(exchange, 400, error("model is required"));
      return;
    }
    String key = normalize(model);
    perModel.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    LlmFault fault = drawFault();
    if (fault != null && faults.refused(exchange, fault)) {
      return;
    }
    if (!models.onDisk(key)) {
      sendJson(exchange, 404, error("model \"" + model + "\" not found, try pulling it first"));
      return;
    }
    if (isUnload(request, path)) { // Ollama's API: no prompt and keep_alive 0 unloads the model
      AtomicInteger busy = generating.get(key);
      if (busy != null && busy.get() > 0) {
        unloadsWhileGenerating.incrementAndGet();
      }
      models.unload(key);
      unloads.add(key);
      sendJson(exchange, 200, JSON.createObjectNode().put("model", model)
          .put("created_at", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).toString())
          .put("response", "").put("done", true).put("done_reason", "unload"));
      return;
    }
    if (pending.incrementAndGet() > parallel + maxQueue) {
      pending.decrementAndGet();
      busyReplies.incrementAndGet();
      sendJson(exchange, 503, error(BUSY_MESSAGE));
      return;
    }
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      pending.decrementAndGet();
      Thread.currentThread().interrupt();
      return; // killed while queued
    }
    AtomicBoolean ended = new AtomicBoolean();
    Runnable endOfService = () -> { // see OllamaReplies.Call: ends this request's time in service at most once
      if (ended.compareAndSet(false, true)) {
        inService.decrementAndGet();
      }
    };
    try {
      maxInService.accumulateAndGet(inService.incrementAndGet(), Math::max);
      generating.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      long loadNanos = models.ensureLoaded(key, () -> (long) (coldLoad.toNanos() * slowdown));
      if (loadNanos < 0) {
        return; // killed while loading
      }
      OllamaReplies.Call call = new OllamaReplies.Call(exchange, request, model, arrived, loadNanos, fault,
          endOfService);
      if (path.equals("/api/embed")) {
        replies.embed(call);
      } else {
        replies.generate(call, path.equals("/api/chat"));
      }
    } finally {
      generating.get(key).decrementAndGet();
      endOfService.run();
      slots.release();
      pending.decrementAndGet();
    }
  }

  /** Whether {@code request} is Ollama's unload call: {@code keep_alive} 0 and nothing to generate. */
  private static boolean isUnload(JsonNode request, String path) {
    JsonNode keepAlive = request.get("keep_alive");
    boolean zero = keepAlive != null && (keepAlive.isNumber() && keepAlive.asDouble() == 0
        || keepAlive.isTextual() && keepAlive.asText().trim().matches("0+[a-z]*"));
    if (!zero || path.equals("/api/embed")) {
      return false;
    }
    return path.equals("/api/chat") ? request.path("messages").isEmpty() : request.path("prompt").asText("").isEmpty();
  }

  /** Ollama's error body. */
  static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  /** Builds and starts a {@link FakeOllama}. */
  public static final class Builder {
    private final String name;
    private final List<String> models = new ArrayList<>();
    private final List<String> loaded = new ArrayList<>();
    private int parallel = 2;
    private int maxQueue = 512;
    private double tokensPerSecond = 200;
    private Duration promptEval = Duration.ofMillis(20);
    private Duration coldLoad = Duration.ofMillis(800);
    private Duration promptEvalPerToken = Duration.ZERO;
    private int cacheSlots;
    private int answerTokens = 12;
    private int embeddingDims = 8;
    private long seed = 1;
    private String version = "0.6.5";
    private final Map<String, Long> sizes = new java.util.HashMap<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Puts models on disk (listed by {@code /api/tags}, loaded on first use). */
    public Builder model(String... names) {
      models.addAll(List.of(names));
      return this;
    }

    /** Puts models on disk and in memory (listed by {@code /api/ps}, no cold load). */
    public Builder loaded(String... names) {
      loaded.addAll(List.of(names));
      return this;
    }

    /**
     * The size of {@code model} in bytes, reported by {@code /api/tags} as {@code size} and, while it is loaded, by
     * {@code /api/ps} as {@code size} and {@code size_vram} (fully on the GPU); default 2,019,393,189 (llama3.2 3B
     * Q4_K_M).
     */
    public Builder modelSize(String model, long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes must be >= 0 but was " + bytes);
      }
      sizes.put(normalize(model), bytes);
      return this;
    }

    /** Requests generated at once, {@code OLLAMA_NUM_PARALLEL}; default 2. */
    public Builder parallel(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("parallel must be >= 1 but was " + value);
      }
      this.parallel = value;
      return this;
    }

    /** Requests that may wait for a slot before 503 "server busy", {@code OLLAMA_MAX_QUEUE}; default 512. */
    public Builder maxQueue(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("maxQueue must be >= 0 but was " + value);
      }
      this.maxQueue = value;
      return this;
    }

    /** Tokens generated per second per request; default 200. */
    public Builder tokensPerSecond(double value) {
      if (!(value > 0)) {
        throw new IllegalArgumentException("tokensPerSecond must be > 0 but was " + value);
      }
      this.tokensPerSecond = value;
      return this;
    }

    /** Time to evaluate the prompt before the first token, on a loaded model; default 20 ms. */
    public Builder promptEval(Duration value) {
      this.promptEval = Objects.requireNonNull(value, "promptEval");
      return this;
    }

    /**
     * Prompt evaluation time per token that no slot's prompt cache holds (on top of {@link #promptEval}); default 0.
     * Each slot caches the conversation it last answered, so the next turn of that conversation on the same node
     * evaluates only its new messages, as Ollama's prompt cache does.
     */
    public Builder promptEvalPerToken(Duration value) {
      this.promptEvalPerToken = Objects.requireNonNull(value, "promptEvalPerToken");
      return this;
    }

    /** How many conversations the node's prompt caches hold; default one per parallel slot. */
    public Builder promptCacheSlots(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("promptCacheSlots must be >= 1 but was " + value);
      }
      this.cacheSlots = value;
      return this;
    }

    /** Time to load a model that is on disk but not in memory; default 800 ms. */
    public Builder coldLoad(Duration value) {
      this.coldLoad = Objects.requireNonNull(value, "coldLoad");
      return this;
    }

    /** Tokens per answer (fewer when the request sets {@code options.num_predict}); default 12. */
    public Builder answerTokens(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("answerTokens must be >= 1 but was " + value);
      }
      this.answerTokens = value;
      return this;
    }

    /** Length of embedding vectors; default 8. */
    public Builder embeddingDims(int value) {
      this.embeddingDims = value;
      return this;
    }

    /** Seed of the fault draws. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** What {@code /api/version} reports. */
    public Builder version(String value) {
      this.version = Objects.requireNonNull(value, "version");
      return this;
    }

    /** Starts the node on a free loopback port. */
    public FakeOllama start() {
      FakeOllama node = new FakeOllama(this);
      node.start();
      return node;
    }
  }
}
