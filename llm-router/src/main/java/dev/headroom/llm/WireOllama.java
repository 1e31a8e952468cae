package dev.headroom.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.BackendException;
import dev.headroom.core.Endpoint;
import dev.headroom.core.time.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Ollama's HTTP API: {@code /api/chat} and {@code /api/generate} (streamed NDJSON or one object),
 * {@code /api/embed}, {@code /api/tags}, {@code /api/ps}, and unloading a model ({@code keep_alive: 0}). Errors come as {@code {"error":"..."}}; a 503 "server busy"
 * becomes a {@link ServerBusyException}, a 404 for a model a {@link ModelNotFoundException}, and an error object
 * inside a 200 stream a {@link BackendException}.
 */
final class WireOllama {
  private final WireExchange http;
  private final Scheduler scheduler;

  /** @param scheduler bounds the fleet polls ({@code /api/tags}, {@code /api/ps}) as a whole, body included */
  WireOllama(WireExchange http, Scheduler scheduler) {
    this.http = http;
    this.scheduler = scheduler;
  }

  /** A whole answer ({@code "stream": false}). */
  Reply generate(Endpoint endpoint, ChatRequest request, String model, Duration timeout, Abort abort)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response = http.exchange(post(endpoint.uri(), path(request),
        body(request, model, false), timeout), endpoint.id(), abort, errors(model));
    JsonNode reply = http.readJson(response, endpoint.id(), abort);
    if (reply.has("error")) {
      throw new BackendException(endpoint.id(), 200, "error in reply: " + reply.path("error").asText(),
          reply.toString(), null);
    }
    boolean chat = request.kind() == ChatRequest.Kind.CHAT;
    String text = chat ? reply.path("message").path("content").asText(null) : reply.path("response").asText(null);
    if (text == null) {
      throw new BackendException(endpoint.id(), 200, "reply has no "
          + (chat ? "message.content" : "response"), reply.toString(), null);
    }
    List<ToolCall> calls = chat ? toolCalls(reply.path("message"), endpoint.id()) : List.of();
    String thinking = (chat ? reply.path("message").path("thinking") : reply.path("thinking")).asText("");
    return new Reply(text, reply.path("model").asText(model), stats(reply), reply.path("done_reason").asText(""),
        calls, thinking);
  }

  /** Opens a streamed answer; returns once the reply headers arrived. */
  WireStream open(Endpoint endpoint, ChatRequest request, String model, Duration headerTimeout, Abort abort)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response = http.exchange(post(endpoint.uri(), path(request),
        body(request, model, true), headerTimeout), endpoint.id(), abort, errors(model));
    http.rejectHtml(response, endpoint.id());
    boolean chat = request.kind() == ChatRequest.Kind.CHAT;
    String id = endpoint.id();
    return new WireStream(response.body(), http.lines(response.body(), id), line -> parseLine(line, chat, id),
        abort);
  }

  /** Embeddings from {@code /api/embed}, with the model name and load time the server reported. */
  Embedded embed(Endpoint endpoint, String model, List<String> inputs, Duration timeout, Abort abort)
      throws IOException, InterruptedException {
    ObjectNode body = WireExchange.JSON.createObjectNode().put("model", model);
    ArrayNode input = body.putArray("input");
    inputs.forEach(input::add);
    HttpResponse<InputStream> response = http.exchange(post(endpoint.uri(), "/api/embed", body, timeout),
        endpoint.id(), abort, errors(model));
    JsonNode reply = http.readJson(response, endpoint.id(), abort);
    return new Embedded(EmbedCheck.vectors(endpoint.id(), inputs.size(), reply.path("embeddings"), reply::toString),
        reply.path("model").asText(model), reply.path("load_duration").asLong(0));
  }

  /** The models on disk, from {@code /api/tags}, with tags normalized ({@code name} becomes {@code name:latest}). */
  Set<String> tags(URI base, Duration timeout) throws IOException, InterruptedException {
    JsonNode reply = get(base, "/api/tags", timeout);
    Set<String> models = new HashSet<>();
    for (JsonNode m : reply.path("models")) {
      String name = m.path("name").asText(m.path("model").asText(""));
      if (!name.isEmpty()) {
        models.add(normalize(name));
      }
    }
    return models;
  }

  /** A model in memory, from {@code /api/ps}: until when, and how much GPU memory it holds ({@code size_vram}). */
  record Running(Instant expires, long sizeVram) {}

  /** The models in memory, when they expire and their VRAM, from {@code /api/ps}. */
  Map<String, Running> ps(URI base, Duration timeout) throws IOException, InterruptedException {
    JsonNode reply = get(base, "/api/ps", timeout);
    Map<String, Running> loaded = new HashMap<>();
    for (JsonNode m : reply.path("models")) {
      String name = m.path("name").asText(m.path("model").asText(""));
      if (name.isEmpty()) {
        continue;
      }
      Instant expires;
      try {
        expires = OffsetDateTime.parse(m.path("expires_at").asText("")).toInstant();
      } catch (DateTimeParseException e) {
        expires = Instant.now().plus(Duration.ofMinutes(5)); // Ollama's default keep_alive
      }
      long vram = m.path("size_vram").asLong(0);
      loaded.put(normalize(name), new Running(expires, Math.max(0, vram)));
    }
    return loaded;
  }

  /**
   * Unloads {@code model} from the node's memory as Ollama's API documents it: a generate request with no prompt and
   * {@code "keep_alive": 0} (the reply's {@code done_reason} is {@code unload}).
   */
  void unload(URI base, String model, Duration timeout) throws IOException, InterruptedException {
    ObjectNode body = WireExchange.JSON.createObjectNode().put("model", model).put("keep_alive", 0);
    JsonNode reply = call(post(base, "/api/generate", body, timeout), base, "/api/generate", timeout);
    if (reply.has("error")) {
      throw new BackendException(base.toString(), 200, "error in reply: " + reply.path("error").asText(),
          reply.toString(), null);
    }
  }

  /** Ollama's model-name convention: no tag means {@code :latest}. */
  static String normalize(String model) {
    return model.indexOf(':') < 0 ? model + ":latest" : model;
  }

  // ---------------------------------------------------------------- wire format

  static ObjectNode body(ChatRequest request, String model, boolean stream) {
    ObjectNode body = WireExchange.JSON.createObjectNode().put("model", model);
    if (request.kind() == ChatRequest.Kind.CHAT) {
      ArrayNode messages = body.putArray("messages");
      for (Message m : request.messages()) {
        ObjectNode message = messages.addObject().put("role", m.role()).put("content", m.content());
        if (!m.images().isEmpty()) {
          ArrayNode images = message.putArray("images");
          m.images().forEach(images::add);
        }
        if (!m.toolCalls().isEmpty()) {
          ArrayNode calls = message.putArray("tool_calls");
          for (ToolCall call : m.toolCalls()) {
            calls.addObject().putObject("function").put("name", call.name())
                .set("arguments", Json.parse(Json.REQUEST, "arguments", call.arguments()));
          }
        }
        if (!m.toolName().isEmpty()) {
          message.put("tool_name", m.toolName());
        }
      }
    } else {
      body.put("prompt", request.prompt());
      request.system().ifPresent(s -> body.put("system", s));
      if (!request.images().isEmpty()) {
        ArrayNode images = body.putArray("images");
        request.images().forEach(images::add);
      }
    }
    Json.putTools(body, request.tools());
    switch (request.format().kind()) {
      case JSON -> body.put("format", "json");
      case JSON_SCHEMA -> body.set("format", Json.parse(Json.REQUEST, "format", request.format().schema().orElseThrow()));
      default -> { }
    }
    body.put("stream", stream);
    if (!request.options().isEmpty() || request.temperature().isPresent() || request.seed().isPresent()
        || request.maxTokens().isPresent()) {
      ObjectNode options = body.putObject("options");
      request.options().forEach((key, value) -> options.set(key, WireExchange.JSON.valueToTree(value)));
      request.temperature().ifPresent(t -> options.put("temperature", t));
      request.seed().ifPresent(s -> options.put("seed", s));
      request.maxTokens().ifPresent(n -> options.put("num_predict", n));
    }
    request.keepAlive().ifPresent(k -> body.put("keep_alive", k.toMillis() + "ms"));
    request.think().ifPresent(t -> body.put("think", t));
    return body;
  }


  /** The tool calls of a reply's {@code message} (Ollama gives arguments as an object, and ids only lately). */
  static List<ToolCall> toolCalls(JsonNode message, String endpoint) {
    JsonNode calls = message.path("tool_calls");
    if (calls.isMissingNode() || calls.isNull()) {
      return List.of();
    }
    if (!calls.isArray()) {
      throw new BackendException(endpoint, 200, "tool_calls is not a list", message.toString(), null);
    }
    List<ToolCall> out = new java.util.ArrayList<>();
    for (JsonNode call : calls) {
      JsonNode function = call.path("function");
      String name = function.path("name").asText("");
      JsonNode arguments = function.path("arguments");
      if (name.isEmpty() || !arguments.isObject()) {
        throw new BackendException(endpoint, 200, "a tool call without a function name or an arguments object",
            call.toString(), null);
      }
      String id = call.path("id").asText("");
      out.add(new ToolCall(id.isEmpty() ? ToolCalls.newId() : id, name, arguments.toString()));
    }
    return out;
  }

  static Delta parseLine(String line, boolean chat, String endpoint) {
    if (line.isBlank()) {
      return null;
    }
    JsonNode node = WireExchange.parse(line, endpoint);
    if (node.has("error")) {
      throw new BackendException(endpoint, 200, "in-band error in stream: " + node.path("error").asText(), line,
          null);
    }
    JsonNode text = chat ? node.path("message").path("content") : node.path("response");
    if (!text.isTextual() && !node.path("done").asBoolean(false)) {
      throw new BackendException(endpoint, 200, "stream line has no "
          + (chat ? "message.content" : "response"), line, null);
    }
    String content = text.asText("");
    List<ToolCall> calls = chat ? toolCalls(node.path("message"), endpoint) : List.of();
    String thinking = (chat ? node.path("message").path("thinking") : node.path("thinking")).asText("");
    return node.path("done").asBoolean(false)
        ? Delta.end(content, stats(node), node.path("model").asText(null), node.path("done_reason").asText(""),
            calls, thinking)
        : Delta.of(content, calls, thinking);
  }

  static GenStats stats(JsonNode node) {
    return new GenStats(node.path("total_duration").asLong(-1), node.path("load_duration").asLong(-1),
        node.path("prompt_eval_count").asInt(0), node.path("prompt_eval_duration").asLong(-1),
        node.path("eval_count").asInt(0), node.path("eval_duration").asLong(-1));
  }

  private static WireExchange.ErrorMapper errors(String model) {
    return (endpoint, status, body, retryAfter) -> {
      String message = WireExchange.errorMessage(body);
      String lower = message.toLowerCase(Locale.ROOT);
      if (status == 503 && (lower.contains("server busy") || retryAfter != null)) {
        return new ServerBusyException(endpoint, status, message, body, retryAfter);
      }
      if (status == 404 && lower.contains("not found")) {
        return new ModelNotFoundException(endpoint, model, body);
      }
      return new BackendException(endpoint, status, message, body, null, retryAfter);
    };
  }

  private JsonNode get(URI base, String path, Duration timeout) throws IOException, InterruptedException {
    return call(HttpRequest.newBuilder(WireExchange.at(base, path)).timeout(timeout).GET().build(), base, path,
        timeout);
  }

  /** One exchange of the fleet's housekeeping (polls, unloads), bounded as a whole, body included. */
  private JsonNode call(HttpRequest request, URI base, String path, Duration timeout)
      throws IOException, InterruptedException {
    Abort abort = new Abort();
    String id = base.toString();
    // the HTTP timeout stops at the headers: a node dripping its model list must not hold a poller thread
    Scheduler.Cancellable timer = scheduler.schedule(timeout.toNanos(), () -> abort.fire(new BackendException(id, -1,
        "no complete reply to " + path + " within " + timeout.toMillis() + " ms", "", new TimeoutException(path))));
    try {
      HttpResponse<InputStream> response = http.exchange(request, id, abort,
          (endpoint, status, body, retryAfter) -> new BackendException(endpoint, status,
              WireExchange.errorMessage(body), body, null));
      return http.readJson(response, id, abort);
    } finally {
      timer.cancel();
    }
  }

  private static String path(ChatRequest request) {
    return request.kind() == ChatRequest.Kind.CHAT ? "/api/chat" : "/api/generate";
  }

  private static HttpRequest post(URI base, String path, ObjectNode body, Duration timeout) {
    return HttpRequest.newBuilder(WireExchange.at(base, path))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toString().getBytes(StandardCharsets.UTF_8)))
        .build();
  }
}
