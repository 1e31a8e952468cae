package dev.headroom.llm;

import java.util.Optional;

/**
 * What a request's model name means once aliases are applied.
 *
 * @param wire the model name sent to Ollama
 * @param key the model's key in the {@link Catalog} (normalized: {@code llama3.2} and {@code llama3.2:latest} agree)
 * @param cloudModel the cloud model that stands in for it on overflow, or null when the cloud may not serve it
 */
record ModelTarget(String wire, String key, String cloudModel) {
  Optional<String> cloud() {
    return Optional.ofNullable(cloudModel);
  }
}
