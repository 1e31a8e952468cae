package dev.headroom.llm;

import dev.headroom.core.ConfigException;
import java.util.List;

/**
 * Texts to embed with a model ({@code /api/embed} on Ollama, {@code /v1/embeddings} in the cloud).
 *
 * @param model the model name or alias
 * @param inputs the texts, at least one
 */
public record EmbedRequest(String model, List<String> inputs) {
  /** Validates and copies. */
  public EmbedRequest {
    if (model == null || model.isBlank()) {
      throw new ConfigException("embed model", model, "must be non-empty");
    }
    if (inputs == null || inputs.isEmpty()) {
      throw new ConfigException("embed inputs", inputs, "must list at least one text");
    }
    inputs = List.copyOf(inputs);
  }

  /** A request for the given texts. */
  public static EmbedRequest of(String model, String... inputs) {
    return new EmbedRequest(model, List.of(inputs));
  }
}
