package dev.headroom.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An OpenAI-compatible cloud API on a free loopback port: {@code POST /v1/chat/completions} (one
 * {@code chat.completion} object, or with {@code "stream": true} server-sent events of {@code chat.completion.chunk}
 * objects ended by {@code data: [DONE]}, with a usage chunk when {@code stream_options.include_usage} is set) and
 * {@code POST /v1/embeddings}, with OpenAI's error bodies ({@code {"error":{"message","type","param","code"}}}: 401
 * for a wrong key, 429 for backpressure, 500).
 *
 * <p>When built with {@link Builder#apiKey(String)} it checks {@code Authorization: Bearer <key>}. Unlike the real
 * service, which masks the key it echoes in a 401 message, this fake echoes the whole wrong key, so that tests can
 * prove a client never lets a key from a reply body reach its logs or exceptions.
 */
public final class FakeOpenAi extends FakeServer {
  private final String apiKey;
  private final String apiKeyHeader;
  private final double tokensPerSecond;
  private final Duration firstToken;
  private final int answerTokens;
  private final int embeddingDims;
  private final Function<String, float[]> embeddingVectors;
  private final boolean embeddingsReversed;
  private final AtomicLong requests = new AtomicLong();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicLong unauthorized = new AtomicLong();
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, AtomicLong> perModel = new ConcurrentHashMap<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

  private FakeOpenAi(Builder b) {
    super(b.name, b.seed);
    this.apiKey = b.apiKey;
    this.apiKeyHeader = b.apiKeyHeader;
    this.tokensPerSecond = b.tokensPerSecond;
    this.firstToken = b.firstToken;
    this.answerTokens = b.answerTokens;
    this.embeddingDims = b.embeddingDims;
    this.embeddingVectors = b.embeddingVectors;
    this.embeddingsReversed = b.embeddingsReversed;
  }

  /** A builder for a cloud API called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Chat and embedding requests that arrived (refused ones included). */
  public long requests() {
    return requests.get();
  }

  /**
   * One generation request as the server saw it: when it arrived ({@link System#nanoTime()}) and, for a busy reply,
   * the {@code Retry-After} it was given (null otherwise).
   */
  public record Call(long arrivedNanos, Duration retryAfter) {}

  /** Every chat and embedding request that passed the key check, in arrival order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Requests for {@code model}. */
  public long requestsFor(String model) {
    AtomicLong count = perModel.get(model);
    return count == null ? 0 : count.get();
  }

  /** Requests refused with 401. */
  public long unauthorized() {
    return unauthorized.get();
  }

  /** The {@code Authorization} header of every request, in order (empty string when absent). */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** The JSON bodies received, in order. */
  public List<JsonNode> bodies() {
    return List.copyOf(bodies);
  }

  /** The full answer to {@code prompt} (all message contents joined by newlines). */
  public String answerFor(String model, String prompt, int maxTokens) {
    return TextGen.answer(model, prompt, 0, Math.min(answerTokens, maxTokens));
  }

  @Override
  public String toString() {
    return "FakeOpenAi{" + name + " " + uri() + (isRunning() ? "" : ", killed") + '}';
  }

  @Override
  void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    boolean chat = path.equals("/v1/chat/completions");
    if (!chat && !path.equals("/v1/embeddings")) {
      sendJson(exchange, 404, error("Invalid URL (" + exchange.getRequestMethod() + " " + path + ")",
          "invalid_request_error", null));
      return;
    }
    long arrived = System.nanoTime();
    JsonNode request = readJson(exchange);
    requests.incrementAndGet();
    String auth = Optional.ofNullable(exchange.getRequestHeaders().getFirst(apiKeyHeader)).orElse("");
    authorizations.add(auth);
    if (request == null) {
      sendJson(exchange, 400, error("We could not parse the JSON body of your request.", "invalid_request_error",
          null));
      return;
    }
    bodies.add(request);
    if (apiKey != null && !auth.equals(apiKeyHeader.equals("Authorization") ? "Bearer " + apiKey : apiKey)) {
      unauthorized.incrementAndGet();
      String given = auth.startsWith("Bearer ") ? auth.substring(7) : auth;
      sendJson(exchange, 401, error("Incorrect API key provided: " + given
          + ". You can find your API key at https://platform.openai.com/account/api-keys.",
          "invalid_request_error", "invalid_api_key"));
      return;
    }
    String model = request.path("model").asText("");
    perModel.computeIfAbsent(model, k -> new AtomicLong()).incrementAndGet();
    LlmFault fault = drawFault();
    calls.add(new Call(arrived, fault != null && fault.kind() == LlmFault.Kind.BUSY ? fault.retryAfter() : null));
    if (fault != null) {
      switch (fault.kind()) {
        case BUSY -> {
          retryAfter(exchange, fault);
          sendJson(exchange, 429, error("Rate limit reached for requests", "requests", "rate_limit_exceeded"));
          return;
        }
        case ERROR_STATUS -> {
          sendJson(exchange, fault.status(), error("The server had an error while processing your request.",
              "server_error", null));
          return;
        }
        case RESET -> abortConnection();
        default -> { }
      }
    }
    if (!chat) {
      embeddings(exchange, request, model, fault);
      return;
    }
    JsonNode messages = request.path("messages");
    String prompt = prompt(messages);
    int limit = request.has("max_completion_tokens") ? request.path("max_completion_tokens").asInt()
        : request.path("max_tokens").asInt(answerTokens);
    List<String> tokens = TextGen.tokens(model, prompt, 0, Math.min(answerTokens, limit <= 0 ? answerTokens : limit));
    String finish = limit > 0 && limit < answerTokens ? "length" : "stop"; // the API's finish_reason
    String lastRole = messages.isEmpty() ? "user" : messages.get(messages.size() - 1).path("role").asText();
    ObjectNode toolCall = null;
    if (ModelBehaviour.callsTool(request.path("tools"), lastRole)) {
      JsonNode function = request.path("tools").get(0).path("function");
      toolCall = JSON.createObjectNode().put("id", "call_fake" + ids.incrementAndGet()).put("type", "function");
      toolCall.putObject("function").put("name", function.path("name").asText())
          .put("arguments", ModelBehaviour.arguments(function.path("parameters"), prompt).toString());
      tokens = List.of();
      finish = "tool_calls";
    } else {
      JsonNode format = request.path("response_format");
      String type = format.path("type").asText("text");
      if (type.equals("json_object") || type.equals("json_schema")) {
        tokens = ModelBehaviour.pieces(ModelBehaviour.json(type.equals("json_schema")
            ? format.path("json_schema").path("schema") : null, String.join("", tokens)), 8);
      }
    }
    String id = "chatcmpl-fake" + ids.incrementAndGet();
    long created = System.currentTimeMillis() / 1000;
    int promptTokens = TextGen.approxTokens(prompt);
    if (!request.path("stream").asBoolean(false)) {
      whole(exchange, fault, id, created, model, tokens, promptTokens, finish, toolCall);
      return;
    }
    OutputStream out = startStream(exchange, "text/event-stream; charset=utf-8");
    if (!pause(firstToken.toNanos() - (System.nanoTime() - arrived))) {
      return;
    }
    writeFlush(out, event(chunk(id, created, model, JSON.createObjectNode().put("role", "assistant")
        .put("content", ""), null)));
    long tokenNanos = (long) (1e9 / tokensPerSecond);
    for (int i = 0; i < tokens.size(); i++) {
      if (fault != null && i == fault.afterTokens() && midStreamFault(out, fault, model)) {
        return;
      }
      if (i > 0 && !pause(tokenNanos)) {
        return;
      }
      writeFlush(out, event(chunk(id, created, model, JSON.createObjectNode().put("content", tokens.get(i)), null)));
    }
    if (fault != null && fault.afterTokens() >= tokens.size() && midStreamFault(out, fault, model)) {
      return;
    }
    if (toolCall != null) { // the API streams a call in pieces: id and name first, then the arguments in parts
      String arguments = toolCall.path("function").path("arguments").asText();
      ObjectNode head = JSON.createObjectNode();
      ObjectNode first = head.putArray("tool_calls").addObject().put("index", 0).put("id", toolCall.path("id").asText())
          .put("type", "function");
      first.putObject("function").put("name", toolCall.path("function").path("name").asText()).put("arguments", "");
      writeFlush(out, event(chunk(id, created, model, head, null)));
      for (String piece : ModelBehaviour.pieces(arguments, 5)) {
        ObjectNode part = JSON.createObjectNode();
        part.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
        writeFlush(out, event(chunk(id, created, model, part, null)));
      }
    }
    writeFlush(out, event(chunk(id, created, model, JSON.createObjectNode(), finish)));
    if (request.path("stream_options").path("include_usage").asBoolean(false)) {
      ObjectNode usage = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
          .put("created", created).put("model", model);
      usage.putArray("choices");
      usage.set("usage", usage(promptTokens, tokens.size()));
      writeFlush(out, event(usage));
    }
    writeFlush(out, "data: [DONE]\n\n");
    out.close();
  }

  private void whole(HttpExchange exchange, LlmFault fault, String id, long created, String model,
      List<String> tokens, int promptTokens, String finish, ObjectNode toolCall) throws IOException {
    if (fault != null && replacedWhole(exchange, fault, model)) {
      return;
    }
    if (!pause(firstToken.toNanos() + (long) (1e9 / tokensPerSecond * Math.max(0, tokens.size() - 1)))) {
      return;
    }
    ObjectNode reply = JSON.createObjectNode().put("id", id).put("object", "chat.completion").put("created", created)
        .put("model", model);
    ObjectNode choice = reply.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    if (toolCall == null) {
      message.put("content", String.join("", tokens));
    } else {
      message.putNull("content");
      message.putArray("tool_calls").add(toolCall);
    }
    message.putNull("refusal");
    choice.putNull("logprobs");
    choice.put("finish_reason", finish);
    reply.set("usage", usage(promptTokens, tokens.size()));
    reply.put("system_fingerprint", "fp_fake");
    sendJson(exchange, 200, reply);
  }

  private boolean replacedWhole(HttpExchange exchange, LlmFault fault, String model) throws IOException {
    switch (fault.kind()) {
      case MALFORMED_JSON -> sendJson(exchange, 200, "{\"id\":\"chatcmpl-x\",\"choices\":[{\"message\":");
      case OVERSIZED_BODY -> writeOversized(startStream(exchange, "application/json"),
          "{\"id\":\"chatcmpl-x\",\"object\":\"chat.completion\",\"model\":\"" + model + "\",\"choices\":[{\"message\":"
              + "{\"content\":\"", fault.bytes());
      case IN_BAND_ERROR -> sendJson(exchange, 500, error("The server had an error while processing your request.",
          "server_error", null));
      case DISCONNECT_MID_STREAM -> {
        writeFlush(startStream(exchange, "application/json"), "{\"id\":\"chatcmpl-x\",");
        abortConnection();
      }
      case STALL -> stall();
      default -> {
        return false;
      }
    }
    return true;
  }

  private boolean midStreamFault(OutputStream out, LlmFault fault, String model) throws IOException {
    switch (fault.kind()) {
      case DISCONNECT_MID_STREAM -> abortConnection();
      case IN_BAND_ERROR -> {
        writeFlush(out, event(error("The server had an error while processing your request.", "server_error",
            null)));
        out.close();
      }
      case MALFORMED_JSON -> {
        writeFlush(out, "data: {\"id\":\"chatcmpl-x\",\"choices\":[{\"delta\":\n\n");
        out.close();
      }
      case STALL -> stall();
      case OVERSIZED_BODY -> {
        writeOversized(out, "data: {\"id\":\"chatcmpl-x\",\"model\":\"" + model + "\",\"choices\":[{\"delta\":"
            + "{\"content\":\"", fault.bytes());
        out.close();
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private void embeddings(HttpExchange exchange, JsonNode request, String model, LlmFault fault) throws IOException {
    if (fault != null && replacedWhole(exchange, fault, model)) {
      return;
    }
    List<String> inputs = new ArrayList<>();
    JsonNode input = request.path("input");
    if (input.isArray()) {
      input.forEach(n -> inputs.add(n.asText()));
    } else {
      inputs.add(input.asText(""));
    }
    ObjectNode reply = JSON.createObjectNode().put("object", "list");
    ArrayNode data = reply.putArray("data");
    int tokens = 0;
    for (int n = 0; n < inputs.size(); n++) {
      int i = embeddingsReversed ? inputs.size() - 1 - n : n;
      ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
      ArrayNode vector = item.putArray("embedding");
      if (embeddingVectors == null) {
        TextGen.embedding(model, inputs.get(i), embeddingDims).forEach(vector::add);
      } else {
        for (float x : embeddingVectors.apply(inputs.get(i))) {
          vector.add(x);
        }
      }
      tokens += TextGen.approxTokens(inputs.get(i));
    }
    reply.put("model", model);
    reply.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    pause(firstToken.toNanos());
    sendJson(exchange, 200, reply);
  }

  private static ObjectNode chunk(String id, long created, String model, ObjectNode delta, String finish) {
    ObjectNode node = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
        .put("created", created).put("model", model).put("system_fingerprint", "fp_fake");
    ObjectNode choice = node.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return node;
  }

  private static ObjectNode usage(int promptTokens, int completionTokens) {
    return JSON.createObjectNode().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
  }

  private static String event(ObjectNode node) throws IOException {
    return "data: " + JSON.writeValueAsString(node) + "\n\n";
  }

  private static ObjectNode error(String message, String type, String code) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error").put("message", message).put("type", type).putNull("param");
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    return root;
  }

  /** All message texts joined by newlines; a content of parts gives its text parts. */
  private static String prompt(JsonNode messages) {
    List<String> parts = new ArrayList<>();
    for (JsonNode m : messages) {
      JsonNode content = m.path("content");
      if (content.isArray()) {
        content.forEach(part -> {
          if (part.path("type").asText().equals("text")) {
            parts.add(part.path("text").asText(""));
          }
        });
      } else {
        parts.add(content.asText(""));
      }
    }
    return String.join("\n", parts);
  }

  /** Builds and starts a {@link FakeOpenAi}. */
  public static final class Builder {
    private final String name;
    private String apiKey;
    private String apiKeyHeader = "Authorization";
    private double tokensPerSecond = 400;
    private Duration firstToken = Duration.ofMillis(60);
    private int answerTokens = 12;
    private int embeddingDims = 8;
    private Function<String, float[]> embeddingVectors;
    private boolean embeddingsReversed;
    private long seed = 1;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Requires {@code Authorization: Bearer <key>}; without it any key (or none) is accepted. */
    public Builder apiKey(String value) {
      this.apiKey = Objects.requireNonNull(value, "apiKey");
      return this;
    }

    /**
     * The header the key is checked in: {@code Authorization} (as {@code Bearer <key>}, the default) or another, bare
     * (Azure OpenAI's {@code api-key}); {@link #authorizations()} then lists that header's values.
     */
    public Builder apiKeyHeader(String value) {
      this.apiKeyHeader = Objects.requireNonNull(value, "apiKeyHeader");
      return this;
    }

    /** Tokens per second per request; default 400. */
    public Builder tokensPerSecond(double value) {
      if (!(value > 0)) {
        throw new IllegalArgumentException("tokensPerSecond must be > 0 but was " + value);
      }
      this.tokensPerSecond = value;
      return this;
    }

    /** Time from request to the first token; default 60 ms. */
    public Builder firstToken(Duration value) {
      this.firstToken = Objects.requireNonNull(value, "firstToken");
      return this;
    }

    /** Tokens per answer (fewer with {@code max_tokens}); default 12. */
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

    /**
     * The vector answered for each input text, instead of one derived from the model and the text (of
     * {@link #embeddingDims(int)} numbers): lets a test compare the cloud's vectors with its own.
     */
    public Builder embeddings(Function<String, float[]> vectors) {
      this.embeddingVectors = Objects.requireNonNull(vectors, "vectors");
      return this;
    }

    /**
     * Lists the items of an embeddings reply in reverse index order (each still carries its {@code index}, which
     * is all the API promises), so a test can prove that a client orders the vectors by index.
     */
    public Builder embeddingsInReverseOrder() {
      this.embeddingsReversed = true;
      return this;
    }

    /** Seed of the fault draws. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** Starts the API on a free loopback port. */
    public FakeOpenAi start() {
      FakeOpenAi api = new FakeOpenAi(this);
      api.start();
      return api;
    }
  }
}
