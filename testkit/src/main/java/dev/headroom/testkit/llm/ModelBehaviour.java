package dev.headroom.testkit.llm;

import static dev.headroom.testkit.llm.FakeServer.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the fake servers' "model" does with the parts of a request beyond its text, the same way for
 * {@link FakeOllama} and {@link FakeOpenAi}: offered tools, it calls the first one (with arguments built from the
 * tool's parameter schema, strings taken from the last user message) unless the last message is already a tool's
 * result, which it then answers in text; asked for JSON, it answers a JSON object (following the schema's
 * properties, when there is one). Deterministic, so tests can state the expected call and object.
 */
final class ModelBehaviour {
  private ModelBehaviour() {}

  /** Whether to answer with a call of the first of {@code tools} (a non-empty list) after {@code lastRole}. */
  static boolean callsTool(JsonNode tools, String lastRole) {
    return tools.isArray() && !tools.isEmpty() && !"tool".equals(lastRole);
  }

  /**
   * Arguments for a function with parameter schema {@code parameters}: each required property (every property when
   * none is required) gets a value of its type: strings the last word of {@code prompt}, numbers 1, booleans true.
   */
  static ObjectNode arguments(JsonNode parameters, String prompt) {
    return instance(parameters, lastWord(prompt));
  }

  /** A JSON text for a {@code format} request: an instance of {@code schema}, or {"answer": text} without one. */
  static String json(JsonNode schema, String text) {
    if (schema == null || !schema.isObject() || !schema.has("properties")) {
      return JSON.createObjectNode().put("answer", text).toString();
    }
    return instance(schema, text).toString();
  }

  /** Why a list of base64 images is bad (Ollama's message), or null when every one decodes. */
  static String badImage(JsonNode images) {
    int i = 0;
    for (JsonNode image : images) {
      try {
        java.util.Base64.getDecoder().decode(image.asText(""));
      } catch (IllegalArgumentException e) {
        return "illegal base64 data at input byte " + i;
      }
      i++;
    }
    return null;
  }

  /** {@code text} cut into pieces of at most {@code size} characters, for streaming a JSON answer. */
  static List<String> pieces(String text, int size) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += size) {
      out.add(text.substring(i, Math.min(text.length(), i + size)));
    }
    return out;
  }

  private static ObjectNode instance(JsonNode schema, String word) {
    ObjectNode out = JSON.createObjectNode();
    JsonNode properties = schema.path("properties");
    List<String> names = new ArrayList<>();
    schema.path("required").forEach(n -> names.add(n.asText()));
    if (names.isEmpty()) {
      properties.fieldNames().forEachRemaining(names::add);
    }
    for (String name : names) {
      JsonNode property = properties.path(name);
      switch (property.path("type").asText("string")) {
        case "integer", "number" -> out.put(name, 1);
        case "boolean" -> out.put(name, true);
        case "array" -> out.putArray(name).add(word);
        case "object" -> out.set(name, instance(property, word));
        default -> {
          JsonNode choices = property.path("enum");
          out.put(name, choices.isArray() && !choices.isEmpty() ? choices.get(0).asText() : word);
        }
      }
    }
    return out;
  }

  private static String lastWord(String prompt) {
    String[] words = prompt.trim().split("[^\\p{L}\\p{N}]+");
    for (int i = words.length - 1; i >= 0; i--) {
      if (!words[i].isEmpty()) {
        return words[i];
      }
    }
    return "x";
  }
}
