package dev.headroom.llm;

import java.util.Optional;

/**
 * What a request's model name means once aliases and model groups are applied.
 *
 * @param wire the model name sent to Ollama (for a group: its Ollama deployment's model, else the group's name)
 * @param key the model's key in the {@link Catalog} (normalized: {@code llama3.2} and {@code llama3.2:latest} agree)
 * @param cloudModel the cloud model that stands in for it on overflow to the router's cloud tier, or null when that
 *     tier may not serve it (always null for a group)
 * @param group the {@link ModelGroup} the request names, or null
 */
record ModelTarget(String wire, String key, String cloudModel, ModelGroup group) {
  ModelTarget(String wire, String key, String cloudModel) {
    this(wire, key, cloudModel, null);
  }

  Optional<String> cloud() {
    return Optional.ofNullable(cloudModel);
  }
}
