package dev.headroom.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.core.Checks;
import java.util.Objects;

/**
 * A call of a {@link Tool} that the model asked for: hand its result back in a {@link Message#tool(ToolCall, String)}
 * message of the next request. Immutable.
 *
 * @param id the call's id: the server's (the OpenAI API's {@code id}), or one the router made up when the server gave
 *     none (Ollama), so that the conversation can go on on either kind of server
 * @param name the function's name
 * @param arguments the arguments the model chose, a JSON object as text
 */
public record ToolCall(String id, String name, String arguments) {
  /** Validates: an id, a name, and arguments that parse as a JSON object. */
  public ToolCall {
    Checks checks = Checks.in("tool call");
    checks.nonBlank("id", id);
    checks.nonBlank("name", name);
    Objects.requireNonNull(arguments, "arguments");
    JsonNode args = Json.parse(checks, "arguments", arguments);
    if (!args.isObject()) {
      throw checks.invalid("arguments", arguments, "must be a JSON object");
    }
  }
}
