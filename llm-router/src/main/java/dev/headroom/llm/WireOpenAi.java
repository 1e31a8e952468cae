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
 * {@code data: [DONE]}) and {@code /v1/embeddings}. The API key goes only into the {@code Authorization} header;
 * every error text built from a reply is redacted, so a server that echoes the key cannot leak it into exceptions.
 */
final class WireOpenAi {
  private final WireExchange http;
  private final Optional<Secret> apiKey;

  WireOpenAi(WireExchange http, Optional<Secret> apiKey) {
    this.http = http;
    this.apiKey = apiKey;
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
    JsonNode content = reply.path("choices").path(0).path("message").path("content");
    if (!content.isTextual()) {
      throw new BackendException(endpoint.id(), 200, "reply has no choices[0].message.content",
          redact(reply.toString()), null);
    }
    JsonNode usage = reply.path("usage");
    return new Reply(content.asText(), reply.path("model").asText(model),
        GenStats.tokens(usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0)),
        reply.path("choices").path(0).path("finish_reason").asText(""));
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
        messages.addObject().put("role", m.role()).put("content", m.content());
      }
    } else {
      request.system().ifPresent(s -> messages.addObject().put("role", "system").put("content", s));
      messages.addObject().put("role", "user").put("content", request.prompt());
    }
    request.temperature().ifPresent(t -> body.put("temperature", t));
    request.seed().ifPresent(s -> body.put("seed", s));
    request.maxTokens().ifPresent(n -> body.put("max_tokens", n));
    body.put("stream", stream);
    if (stream) {
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  /** Parses server-sent events: {@code data: {...}} lines, ended by {@code data: [DONE]}. */
  final class SseParser {
    private final String endpoint;
    private GenStats usage = GenStats.NONE;
    private String model;
    private String finishReason = "";

    SseParser(String endpoint) {
      this.endpoint = endpoint;
    }

    Delta parse(String line) {
      if (line.isBlank() || line.startsWith(":") || !line.startsWith("data:")) {
        return null; // blank separators, comments, and event/id/retry fields carry no text
      }
      String data = line.substring(5).strip();
      if (data.equals("[DONE]")) {
        return Delta.end("", usage, model, finishReason);
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
      JsonNode content = node.path("choices").path(0).path("delta").path("content");
      return content.isTextual() && !content.asText().isEmpty() ? Delta.text(content.asText()) : null;
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
    apiKey.ifPresent(k -> b.header("Authorization", "Bearer " + k.reveal()));
    return b.build();
  }
}
