package dev.headroom.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.core.Checks;

/**
 * JSON text that a caller passed (schemas, arguments) parsed once, with a typed error naming the setting; and the
 * {@code tools} array, which Ollama and the OpenAI API write the same way.
 */
final class Json {
  /** The subject of errors in a request's JSON parts. */
  static final Checks REQUEST = Checks.in("chat request");

  private Json() {}

  /** Puts {@code tools} on {@code body} as both APIs take them: functions with a JSON-schema {@code parameters}. */
  static void putTools(com.fasterxml.jackson.databind.node.ObjectNode body, java.util.List<Tool> tools) {
    if (tools.isEmpty()) {
      return;
    }
    com.fasterxml.jackson.databind.node.ArrayNode array = body.putArray("tools");
    for (Tool tool : tools) {
      array.addObject().put("type", "function").putObject("function").put("name", tool.name())
          .put("description", tool.description())
          .set("parameters", parse(REQUEST, "parameters", tool.parameters()));
    }
  }

  /** {@code text} parsed as one JSON value; a {@link dev.headroom.core.ConfigException} naming {@code path} if not. */
  static JsonNode parse(Checks checks, String path, String text) {
    if (text == null) {
      throw checks.invalid(path, "null", "must be JSON");
    }
    try {
      JsonNode node = WireExchange.JSON.reader()
          .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
      if (node == null || node.isMissingNode()) {
        throw checks.invalid(path, text, "must be JSON");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw checks.invalid(path, abbreviate(text), "must be JSON (" + e.getOriginalMessage() + ")");
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
