package dev.headroom.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.BackendException;
import dev.headroom.core.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An OpenAI-compatible API: {@code /v1/chat/completions} (one object, or server-sent events of chunks ending with
 * {@code data: [DONE]}) and {@code /v1/embeddings}. The API key goes only into its header ({@code Authorization}, or
 * a provider's own); every error text built from a reply is redacted, so a server that echoes the key cannot leak it
 * into exceptions.
 */
final class WireOpenAi {
  private final WireExchange http;
  private final Optional<Secret> apiKey;
  private final String keyHeader;

  WireOpenAi(WireExchange http, Optional<Secret> apiKey) {
    this(http, apiKey, "Authorization");
  }

  /** A client that sends the key in {@code keyHeader}: {@code Authorization} as a bearer token, another bare. */
  WireOpenAi(WireExchange http, Optional<Secret> apiKey, String keyHeader) {
    this.http = http;
    this.apiKey = apiKey;
    this.keyHeader = keyHeader;
  }

  /** A whole answer. */
  Reply chat(Endpoint endpoint, ChatRequest request, String model, Duration timeout, Abort abort)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response = http.exchange(post(endpoint, "/v1/chat/completions",
        body(request, model, false), timeout), endpoint.id(), abort, this::error);
    JsonNode reply = http.readJson(response, endpoint.id(), abort);
    if (reply.has("error")) {
      throw error(endpoint.id(), 200, reply.toString(), null);
    }
    JsonNode message = reply.path("choices").path(0).path("message");
    JsonNode content = message.path("content");
    List<ToolCall> calls = toolCalls(message, endpoint.id(), this::redact);
    if (!content.isTextual() && (calls.isEmpty() || !(content.isNull() || content.isMissingNode()))) {
      throw new BackendException(endpoint.id(), 200, "reply has no choices[0].message.content",
          redact(reply.toString()), null);
    }
    JsonNode usage = reply.path("usage");
    return new Reply(content.asText(""), reply.path("model").asText(model),
        GenStats.tokens(usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0)),
        reply.path("choices").path(0).path("finish_reason").asText(""), calls,
        message.path("reasoning_content").asText(""));
  }

  /** Opens a streamed answer; returns once the reply headers arrived. */
  WireStream open(Endpoint endpoint, ChatRequest request, String model, Duration headerTimeout, Abort abort)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response = http.exchange(post(endpoint, "/v1/chat/completions",
        body(request, model, true), headerTimeout), endpoint.id(), abort, this::error);
    http.rejectHtml(response, endpoint.id());
    SseParser parser = new SseParser(endpoint.id());
    return new WireStream(response.body(), http.lines(response.body(), endpoint.id()), parser::parse, abort);
  }

  /** Embeddings from {@code /v1/embeddings}, in input order. */
  Embedded embed(Endpoint endpoint, String model, List<String> inputs, Duration timeout, Abort abort)
      throws IOException, InterruptedException {
    ObjectNode body = WireExchange.JSON.createObjectNode().put("model", model);
    ArrayNode input = body.putArray("input");
    inputs.forEach(input::add);
    HttpResponse<InputStream> response = http.exchange(post(endpoint, "/v1/embeddings", body, timeout),
        endpoint.id(), abort, this::error);
    JsonNode reply = http.readJson(response, endpoint.id(), abort);
    JsonNode data = reply.path("data");
    JsonNode vectors = data.isArray() ? inInputOrder(data, endpoint.id()) : data;
    return new Embedded(EmbedCheck.vectors(endpoint.id(), inputs.size(), vectors, () -> redact(reply.toString())),
        reply.path("model").asText(model), 0);
  }

  /** The {@code embedding} arrays of {@code data} placed by their {@code index}; a slot no item filled is null. */
  private ArrayNode inInputOrder(JsonNode data, String endpoint) {
    JsonNode[] byIndex = new JsonNode[data.size()];
    for (JsonNode item : data) {
      int index = item.path("index").asInt(-1);
      if (index < 0 || index >= byIndex.length) {
        throw new BackendException(endpoint, 200, "embedding index out of range: " + index,
            redact(item.toString()), null);
      }
      byIndex[index] = item.path("embedding");
    }
    ArrayNode ordered = WireExchange.JSON.createArrayNode();
    for (JsonNode vector : byIndex) {
      ordered.add(vector); // null (a slot no item filled) becomes a JSON null, which the check names
    }
    return ordered;
  }

  // ---------------------------------------------------------------- wire format

  static ObjectNode body(ChatRequest request, String model, boolean stream) {
    ObjectNode body = WireExchange.JSON.createObjectNode().put("model", model);
    ArrayNode messages = body.putArray("messages");
    if (request.kind() == ChatRequest.Kind.CHAT) {
      for (Message m : request.messages()) {
        message(messages.addObject(), m);
      }
    } else {
      request.system().ifPresent(s -> messages.addObject().put("role", "system").put("content", s));
      message(messages.addObject(), Message.user(request.prompt(), request.images()));
    }
    Json.putTools(body, request.tools());
    switch (request.format().kind()) {
      case JSON -> body.putObject("response_format").put("type", "json_object");
      case JSON_SCHEMA -> body.putObject("response_format").put("type", "json_schema").putObject("json_schema")
          .put("name", request.format().name().orElseThrow())
          .put("strict", true)
          .set("schema", Json.parse(Json.REQUEST, "format", request.format().schema().orElseThrow()));
      default -> { }
    }
    request.temperature().ifPresent(t -> body.put("temperature", t));
    request.seed().ifPresent(s -> body.put("seed", s));
    request.maxTokens().ifPresent(n -> body.put("max_tokens", n));
    // the Ollama options the OpenAI API knows under a name of its own; the rest (num_ctx, top_k, ...) stay behind
    request.options().forEach((key, value) -> {
      String name = CLOUD_OPTIONS.get(key);
      if (name != null) {
        body.set(name, WireExchange.JSON.valueToTree(value));
      }
    });
    body.put("stream", stream);
    if (stream) {
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  /** Ollama option names and the OpenAI API's names for the same thing. */
  private static final java.util.Map<String, String> CLOUD_OPTIONS = java.util.Map.of("top_p", "top_p",
      "stop", "stop", "presence_penalty", "presence_penalty", "frequency_penalty", "frequency_penalty");

  /** One message in the OpenAI API's shape: images as content parts, tool calls, a tool result's call id. */
  private static void message(ObjectNode out, Message m) {
    out.put("role", m.role());
    if (m.images().isEmpty()) {
      out.put("content", m.content());
    } else {
      ArrayNode parts = out.putArray("content");
      parts.addObject().put("type", "text").put("text", m.content());
      for (String image : m.images()) {
        parts.addObject().put("type", "image_url").putObject("image_url")
            .put("url", "data:" + mediaType(image) + ";base64," + image);
      }
    }
    if (!m.toolCalls().isEmpty()) {
      ArrayNode calls = out.putArray("tool_calls");
      for (ToolCall call : m.toolCalls()) {
        calls.addObject().put("id", call.id()).put("type", "function").putObject("function")
            .put("name", call.name()).put("arguments", call.arguments());
      }
    }
    if (!m.toolCallId().isEmpty()) {
      out.put("tool_call_id", m.toolCallId());
    }
  }

  /** The media type of a base64 image from its first bytes (PNG, JPEG, GIF, WebP; PNG when unknown). */
  static String mediaType(String base64) {
    String head = base64.length() > 16 ? base64.substring(0, 16) : base64;
    if (head.startsWith("/9j/")) {
      return "image/jpeg";
    }
    if (head.startsWith("R0lGOD")) {
      return "image/gif";
    }
    if (head.startsWith("UklGR")) {
      return "image/webp";
    }
    return "image/png"; // iVBORw0KGgo, and the default
  }

  /** The tool calls of a reply's {@code message}: arguments come as JSON text. */
  static List<ToolCall> toolCalls(JsonNode message, String endpoint, java.util.function.UnaryOperator<String> redact) {
    JsonNode calls = message.path("tool_calls");
    if (calls.isMissingNode() || calls.isNull()) {
      return List.of();
    }
    if (!calls.isArray()) {
      throw new BackendException(endpoint, 200, "tool_calls is not a list", redact.apply(message.toString()), null);
    }
    List<ToolCall> out = new java.util.ArrayList<>();
    for (JsonNode call : calls) {
      out.add(toolCall(call.path("id").asText(""), call.path("function").path("name").asText(""),
          call.path("function").path("arguments").asText(""), endpoint, redact));
    }
    return out;
  }

  private static ToolCall toolCall(String id, String name, String arguments, String endpoint,
      java.util.function.UnaryOperator<String> redact) {
    try {
      return new ToolCall(id.isEmpty() ? ToolCalls.newId() : id, name, arguments.isBlank() ? "{}" : arguments);
    } catch (dev.headroom.core.ConfigException e) {
      throw new BackendException(endpoint, 200, "malformed tool call '" + name + "': " + e.requirement(),
          redact.apply(arguments), null);
    }
  }

  /** Parses server-sent events: {@code data: {...}} lines, ended by {@code data: [DONE]}. */
  final class SseParser {
    private final String endpoint;
    private GenStats usage = GenStats.NONE;
    private String model;
    private String finishReason = "";
    /** Streamed tool calls by index: the id and name come first, the arguments in pieces. */
    private final java.util.TreeMap<Integer, String[]> calls = new java.util.TreeMap<>();

    SseParser(String endpoint) {
      this.endpoint = endpoint;
    }

    Delta parse(String line) {
      if (line.isBlank() || line.startsWith(":") || !line.startsWith("data:")) {
        return null; // blank separators, comments, and event/id/retry fields carry no text
      }
      String data = line.substring(5).strip();
      if (data.equals("[DONE]")) {
        List<ToolCall> done = new java.util.ArrayList<>();
        for (String[] call : calls.values()) {
          done.add(toolCall(call[0], call[1], call[2], endpoint, WireOpenAi.this::redact));
        }
        return Delta.end("", usage, model, finishReason, done, "");
      }
      JsonNode node;
      try {
        node = WireExchange.parse(data, endpoint);
      } catch (BackendException e) {
        throw new BackendException(endpoint, 200, "malformed JSON in stream", redact(data), null);
      }
      if (node.has("error")) {
        throw new BackendException(endpoint, 200, "in-band error in stream: "
            + redact(WireExchange.errorMessage(node.toString())), redact(data), null);
      }
      if (node.path("model").isTextual()) {
        model = node.path("model").asText();
      }
      JsonNode finish = node.path("choices").path(0).path("finish_reason");
      if (finish.isTextual()) {
        finishReason = finish.asText(); // the OpenAI values as they are: stop, length, content_filter, tool_calls
      }
      JsonNode u = node.path("usage");
      if (u.isObject()) {
        usage = GenStats.tokens(u.path("prompt_tokens").asInt(0), u.path("completion_tokens").asInt(0));
      }
      JsonNode delta = node.path("choices").path(0).path("delta");
      for (JsonNode call : delta.path("tool_calls")) {
        String[] parts = calls.computeIfAbsent(call.path("index").asInt(calls.size()), i -> new String[] {"", "", ""});
        if (call.path("id").isTextual()) {
          parts[0] = call.path("id").asText();
        }
        JsonNode function = call.path("function");
        if (function.path("name").isTextual()) {
          parts[1] = parts[1] + function.path("name").asText();
        }
        if (function.path("arguments").isTextual()) {
          parts[2] = parts[2] + function.path("arguments").asText();
        }
      }
      JsonNode content = delta.path("content");
      String thinking = delta.path("reasoning_content").asText("");
      String text = content.isTextual() ? content.asText() : "";
      return text.isEmpty() && thinking.isEmpty() ? null : Delta.of(text, List.of(), thinking);
    }
  }

  /** An error reply; a 503 with {@code Retry-After} is backpressure like a 429 (which core already treats so). */
  private BackendException error(String endpoint, int status, String body, Duration retryAfter) {
    String message = redact(WireExchange.errorMessage(body));
    if (status == 503 && retryAfter != null) {
      return new ServerBusyException(endpoint, status, message, redact(body), retryAfter);
    }
    return new BackendException(endpoint, status, message, redact(body), null, retryAfter);
  }

  private String redact(String text) {
    return apiKey.map(k -> k.redact(text)).orElse(text);
  }

  private HttpRequest post(Endpoint endpoint, String path, ObjectNode body, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(WireExchange.at(endpoint.uri(), path))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toString().getBytes(StandardCharsets.UTF_8)));
    apiKey.ifPresent(k -> b.header(keyHeader, keyHeader.equalsIgnoreCase("Authorization") ? "Bearer " + k.reveal()
        : k.reveal()));
    return b.build();
  }
}
