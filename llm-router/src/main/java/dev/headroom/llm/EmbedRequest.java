package dev.headroom.llm;

import dev.headroom.core.Checks;
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
    Checks checks = Checks.in("embed request");
    checks.nonBlank("model", model);
    checks.notEmpty("inputs", inputs, "text");
    inputs = List.copyOf(inputs);
  }

  /** A request for the given texts. */
  public static EmbedRequest of(String model, String... inputs) {
    return new EmbedRequest(model, List.of(inputs));
  }
}
