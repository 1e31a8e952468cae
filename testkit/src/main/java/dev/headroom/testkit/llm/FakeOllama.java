package dev.headroom.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
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
  private final double tokensPerSecond;
  private final Duration promptEval;
  private final Duration coldLoad;
  private final int answerTokens;
  private final int embeddingDims;
  private final String version;
  private final Set<String> onDisk = ConcurrentHashMap.newKeySet();
  private final Set<String> loaded = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> loading = new ConcurrentHashMap<>();
  private final Semaphore slots;
  private volatile double slowdown = 1.0;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger inService = new AtomicInteger();
  private final AtomicInteger maxInService = new AtomicInteger();
  /**
   * Ends this handler thread's request "in service" just before its last bytes go out: a client that has read the
   * whole reply may send its next request at once, and that one must not overlap this one in the count.
   */
  private final ThreadLocal<Runnable> endOfService = new ThreadLocal<>();
  private final AtomicLong generations = new AtomicLong();
  private final AtomicLong busyReplies = new AtomicLong();
  private final AtomicLong coldLoads = new AtomicLong();
  private final Map<String, AtomicLong> perModel = new ConcurrentHashMap<>();
  private final List<String> sentTexts = new CopyOnWriteArrayList<>();

  private FakeOllama(Builder b) {
    super(b.name, b.seed);
    this.parallel = b.parallel;
    this.maxQueue = b.maxQueue;
    this.tokensPerSecond = b.tokensPerSecond;
    this.promptEval = b.promptEval;
    this.coldLoad = b.coldLoad;
    this.answerTokens = b.answerTokens;
    this.embeddingDims = b.embeddingDims;
    this.version = b.version;
    this.slots = new Semaphore(b.parallel, true);
    b.models.forEach(m -> onDisk.add(normalize(m)));
    b.loaded.forEach(m -> {
      onDisk.add(normalize(m));
      loaded.add(normalize(m));
    });
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
    onDisk.add(normalize(model));
  }

  /** Removes a model from disk and memory (as {@code ollama rm} would). */
  public void remove(String model) {
    onDisk.remove(normalize(model));
    loaded.remove(normalize(model));
  }

  /** Unloads a model from memory (as {@code keep_alive: 0} would); its next request pays the cold load. */
  public void unload(String model) {
    loaded.remove(normalize(model));
  }

  /** Whether a model is loaded in memory now. */
  public boolean isLoaded(String model) {
    return loaded.contains(normalize(model));
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
    return coldLoads.get();
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
        + ", slowdown=" + slowdown + ", loaded=" + loaded + (isRunning() ? "" : ", killed") + '}';
  }

  // ---------------------------------------------------------------- handling

  @Override
  void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    switch (path) {
      case "/api/version" -> sendJson(exchange, 200, JSON.createObjectNode().put("version", version));
      case "/api/tags" -> sendJson(exchange, 200, models(onDisk, false));
      case "/api/ps" -> sendJson(exchange, 200, models(loaded, true));
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
    String model = request.path("model").asText("");
    if (model.isEmpty()) {
      sendJson(exchange, 400, error("model is required"));
      return;
    }
    String key = normalize(model);
    perModel.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    LlmFault fault = drawFault();
    if (fault != null) {
      switch (fault.kind()) {
        case BUSY -> {
          busyReplies.incrementAndGet();
          sendJson(exchange, 503, error(BUSY_MESSAGE));
          return;
        }
        case ERROR_STATUS -> {
          sendJson(exchange, fault.status(), error("llama runner process has terminated: injected failure"));
          return;
        }
        case RESET -> abortConnection();
        default -> { } // the others happen while generating
      }
    }
    if (!onDisk.contains(key)) {
      sendJson(exchange, 404, error("model \"" + model + "\" not found, try pulling it first"));
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
    java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    endOfService.set(() -> {
      if (ended.compareAndSet(false, true)) {
        inService.decrementAndGet();
      }
    });
    try {
      maxInService.accumulateAndGet(inService.incrementAndGet(), Math::max);
      long loadNanos = ensureLoaded(key);
      if (loadNanos < 0) {
        return; // killed while loading
      }
      if (path.equals("/api/embed")) {
        embed(exchange, request, model, arrived, loadNanos, fault);
      } else {
        new Generation(exchange, request, model, path.equals("/api/chat"), arrived, loadNanos, fault).run();
      }
    } finally {
      endOfService.get().run();
      endOfService.remove();
      slots.release();
      pending.decrementAndGet();
    }
  }

  /** Waits for the model to be in memory; returns the nanoseconds spent, or -1 when interrupted. */
  private long ensureLoaded(String model) {
    long start = System.nanoTime();
    if (loaded.contains(model)) {
      return System.nanoTime() - start;
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> load = loading.putIfAbsent(model, mine);
    if (load == null) {
      coldLoads.incrementAndGet();
      boolean done = pause((long) (coldLoad.toNanos() * slowdown));
      if (done) {
        loaded.add(model);
      }
      loading.remove(model);
      mine.complete(null);
      if (!done) {
        return -1;
      }
    } else {
      load.join();
      if (!loaded.contains(model)) {
        return -1;
      }
    }
    return System.nanoTime() - start;
  }

  private void embed(HttpExchange exchange, JsonNode request, String model, long arrived, long loadNanos,
      LlmFault fault) throws IOException {
    if (fault != null && handledWithoutStream(exchange, fault, model)) {
      return;
    }
    List<String> inputs = new ArrayList<>();
    JsonNode input = request.path("input");
    if (input.isArray()) {
      input.forEach(n -> inputs.add(n.asText()));
    } else {
      inputs.add(input.asText(""));
    }
    ObjectNode reply = JSON.createObjectNode().put("model", model);
    ArrayNode embeddings = reply.putArray("embeddings");
    int promptTokens = 0;
    for (String text : inputs) {
      ArrayNode vector = embeddings.addArray();
      TextGen.embedding(normalize(model), text, embeddingDims).forEach(vector::add);
      promptTokens += TextGen.approxTokens(text);
    }
    pause((long) (promptEval.toNanos() * slowdown));
    reply.put("total_duration", System.nanoTime() - arrived).put("load_duration", loadNanos)
        .put("prompt_eval_count", promptTokens);
    endOfService.get().run();
    sendJson(exchange, 200, reply);
  }

  /** Faults that replace a non-streaming reply; true when one was applied. */
  private boolean handledWithoutStream(HttpExchange exchange, LlmFault fault, String model) throws IOException {
    switch (fault.kind()) {
      case MALFORMED_JSON -> sendJson(exchange, 200, "{\"model\":\"" + model + "\",\"message\":{\"content\":\"cut");
      case OVERSIZED_BODY -> {
        OutputStream out = startStream(exchange, "application/json; charset=utf-8");
        writeOversized(out, "{\"model\":\"" + model + "\",\"message\":{\"role\":\"assistant\",\"content\":\"",
            fault.bytes());
      }
      case IN_BAND_ERROR -> sendJson(exchange, 500, error("an error was encountered while running the model"));
      case DISCONNECT_MID_STREAM -> {
        OutputStream out = startStream(exchange, "application/json; charset=utf-8");
        writeFlush(out, "{\"model\":\"" + model + "\",");
        abortConnection();
      }
      case STALL -> stall();
      default -> {
        return false;
      }
    }
    return true;
  }

  private ObjectNode models(Set<String> names, boolean running) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("models");
    for (String model : new LinkedHashSet<>(names)) {
      ObjectNode m = list.addObject();
      m.put("name", model).put("model", model);
      if (!running) {
        m.put("modified_at", OffsetDateTime.now(ZoneOffset.UTC).minusDays(3).toString());
      }
      m.put("size", 2_019_393_189L).put("digest", Integer.toHexString(model.hashCode()) + "a3dd734790bbbf58b8909a6");
      ObjectNode details = m.putObject("details");
      details.put("parent_model", "").put("format", "gguf").put("family", "llama");
      details.putArray("families").add("llama");
      details.put("parameter_size", "3.2B").put("quantization_level", "Q4_K_M");
      if (running) {
        m.put("expires_at", OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(5).toString());
        m.put("size_vram", 2_019_393_189L);
      }
    }
    return root;
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  private static String now() {
    return OffsetDateTime.now(ZoneOffset.UTC).toString();
  }

  /** One chat or generate request being answered. */
  private final class Generation {
    private final HttpExchange exchange;
    private final String model;
    private final boolean chat;
    private final long arrived;
    private final long loadNanos;
    private final LlmFault fault;
    private final boolean stream;
    private final String prompt;
    private final List<String> tokens;

    Generation(HttpExchange exchange, JsonNode request, String model, boolean chat, long arrived, long loadNanos,
        LlmFault fault) {
      this.exchange = exchange;
      this.model = model;
      this.chat = chat;
      this.arrived = arrived;
      this.loadNanos = loadNanos;
      this.fault = fault;
      this.stream = request.path("stream").asBoolean(true);
      this.prompt = chat ? chatPrompt(request.path("messages")) : request.path("prompt").asText("");
      JsonNode options = request.path("options");
      int limit = options.path("num_predict").asInt(answerTokens);
      this.tokens = TextGen.tokens(normalize(model), prompt, options.path("seed").asLong(0),
          Math.min(answerTokens, limit <= 0 ? answerTokens : limit));
    }

    void run() throws IOException {
      if (!stream) {
        whole();
        return;
      }
      OutputStream out = startStream(exchange, "application/x-ndjson");
      long evalStart = System.nanoTime();
      if (!pause((long) (promptEval.toNanos() * slowdown))) {
        return;
      }
      long promptNanos = System.nanoTime() - evalStart;
      long tokenNanos = (long) (1e9 / tokensPerSecond * slowdown);
      StringBuilder sent = new StringBuilder();
      long genStart = System.nanoTime();
      try {
        for (int i = 0; i < tokens.size(); i++) {
          if (fault != null && i == fault.afterTokens() && midStreamFault(out)) {
            return;
          }
          if (!pause(tokenNanos)) { // every token takes a token's time, the first one too
            return;
          }
          writeFlush(out, line(tokens.get(i), false, 0, 0));
          sent.append(tokens.get(i));
        }
        if (fault != null && fault.afterTokens() >= tokens.size() && midStreamFault(out)) {
          return;
        }
        long evalNanos = System.nanoTime() - genStart;
        endOfService.get().run();
        writeFlush(out, finalLine(promptNanos, evalNanos, ""));
        out.close();
      } finally {
        sentTexts.add(sent.toString());
      }
    }

    /** Applies a fault at this point of the stream; true when the stream ends here. */
    private boolean midStreamFault(OutputStream out) throws IOException {
      switch (fault.kind()) {
        case DISCONNECT_MID_STREAM -> abortConnection();
        case IN_BAND_ERROR -> {
          writeFlush(out, "{\"error\":\"an error was encountered while running the model: injected\"}\n");
          out.close();
          return true;
        }
        case MALFORMED_JSON -> {
          writeFlush(out, "{\"model\":\"" + model + "\",\"message\":{\"content\":\"cut\n");
          out.close();
          return true;
        }
        case STALL -> {
          stall();
          return true;
        }
        case OVERSIZED_BODY -> {
          writeOversized(out, "{\"model\":\"" + model + "\",\"message\":{\"role\":\"assistant\",\"content\":\"",
              fault.bytes());
          out.close();
          return true;
        }
        default -> {
          return false;
        }
      }
      return true;
    }

    private void whole() throws IOException {
      if (fault != null && handledWithoutStream(exchange, fault, model)) {
        return;
      }
      long evalStart = System.nanoTime();
      if (!pause((long) (promptEval.toNanos() * slowdown))) {
        return;
      }
      long promptNanos = System.nanoTime() - evalStart;
      long genStart = System.nanoTime();
      if (!pause((long) (1e9 / tokensPerSecond * slowdown * tokens.size()))) {
        return;
      }
      String text = String.join("", tokens);
      endOfService.get().run();
      sendJson(exchange, 200, finalLine(promptNanos, System.nanoTime() - genStart, text).strip());
      sentTexts.add(text);
    }

    private String line(String content, boolean done, long promptNanos, long evalNanos) throws IOException {
      ObjectNode node = JSON.createObjectNode().put("model", model).put("created_at", now());
      if (chat) {
        node.putObject("message").put("role", "assistant").put("content", content);
      } else {
        node.put("response", content);
      }
      node.put("done", done);
      if (done) {
        node.put("done_reason", "stop");
        if (!chat) {
          node.putArray("context").add(1).add(2).add(3);
        }
        node.put("total_duration", System.nanoTime() - arrived).put("load_duration", loadNanos)
            .put("prompt_eval_count", TextGen.approxTokens(prompt)).put("prompt_eval_duration", promptNanos)
            .put("eval_count", tokens.size()).put("eval_duration", Math.max(1, evalNanos));
      }
      return JSON.writeValueAsString(node) + "\n";
    }

    private String finalLine(long promptNanos, long evalNanos, String content) throws IOException {
      return line(content, true, promptNanos, evalNanos);
    }
  }

  private static String chatPrompt(JsonNode messages) {
    List<String> parts = new ArrayList<>();
    messages.forEach(m -> parts.add(m.path("content").asText("")));
    return String.join("\n", parts);
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
    private int answerTokens = 12;
    private int embeddingDims = 8;
    private long seed = 1;
    private String version = "0.6.5";

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
