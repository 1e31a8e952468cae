package dev.headroom.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.core.Checks;
import java.util.Objects;

/**
 * A function the model may call: its name, what it does, and its parameters as a JSON Schema object. Sent as
 * Ollama's {@code tools} and, on overflow, as the OpenAI API's {@code tools} of type {@code function}. Immutable.
 *
 * <pre>{@code
 * Tool weather = Tool.function("get_weather", "The current weather in a city",
 *     "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
 * }</pre>
 *
 * @param name the function name the model calls it by
 * @param description what it does, for the model
 * @param parameters its parameters: a JSON Schema object, as JSON text
 */
public record Tool(String name, String description, String parameters) {
  /** Validates: a name, and parameters that parse as a JSON object. */
  public Tool {
    Checks checks = Checks.in("tool");
    checks.nonBlank("name", name);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parameters, "parameters");
    JsonNode schema = Json.parse(checks, "parameters", parameters);
    if (!schema.isObject()) {
      throw checks.invalid("parameters", parameters, "must be a JSON Schema object");
    }
  }

  /** A function tool. */
  public static Tool function(String name, String description, String parametersSchema) {
    return new Tool(name, description, parametersSchema);
  }
}
