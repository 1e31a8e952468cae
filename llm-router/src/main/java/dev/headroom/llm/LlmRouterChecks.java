package dev.headroom.llm;

import dev.headroom.core.ConfigException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Validates the settings of an {@link LlmRouter.Builder} before anything is started: every bad setting is a
 * {@link ConfigException} naming the router, the setting and its value.
 */
final class LlmRouterChecks {
  private final LlmRouter.Builder b;

  LlmRouterChecks(LlmRouter.Builder builder) {
    this.b = builder;
  }

  /** Throws a {@link ConfigException} for the first setting that is out of range. */
  void validate() {
    if (b.name.isBlank()) {
      throw new ConfigException("llm router name", b.name, "must be non-empty");
    }
    if (b.nodes.isEmpty()) {
      throw new ConfigException("llm router '" + b.name + "': nodes", "[]", "must list at least one ollama node");
    }
    Set<String> ids = new HashSet<>();
    for (OllamaNode node : b.nodes) {
      unique(ids, node.id());
    }
    for (OllamaNode node : b.remoteNodes) {
      unique(ids, node.id());
    }
    nonNegative("localWaitBudget", b.localWaitBudget);
    nonNegative("remoteWaitBudget", b.remoteWaitBudget);
    nonNegative("cloudWaitBudget", b.cloudWaitBudget);
    positive("firstTokenTimeout", b.firstTokenTimeout);
    positive("idleTimeout", b.idleTimeout);
    positive("requestTimeout", b.requestTimeout);
    positive("connectTimeout", b.connectTimeout);
    positive("pollInterval", b.pollInterval);
    positive("pollTimeout", b.pollTimeout);
    positive("cacheTtl", b.cacheTtl);
    positive("defaultColdLoad", b.defaultColdLoad);
    positive("keepAlive", b.keepAlive);
    if (b.maxBodyBytes < 1024) {
      throw new ConfigException(prefix() + "maxBodyBytes", b.maxBodyBytes, "must be >= 1024");
    }
    if (b.maxLineBytes < 1024) {
      throw new ConfigException(prefix() + "maxLineBytes", b.maxLineBytes, "must be >= 1024");
    }
    if (b.expectedTokens < 1) {
      throw new ConfigException(prefix() + "expectedTokens", b.expectedTokens, "must be >= 1");
    }
    if (!(b.loadedPreference > 0 && b.loadedPreference <= 1)) {
      throw new ConfigException(prefix() + "loadedPreference", b.loadedPreference, "must be in (0, 1]");
    }
    if (b.maxAttempts < 1) {
      throw new ConfigException(prefix() + "maxAttempts", b.maxAttempts, "must be >= 1");
    }
    if (b.maxWaiters < 0) {
      throw new ConfigException(prefix() + "maxWaiters", b.maxWaiters, "must be >= 0");
    }
  }

  private String prefix() {
    return "llm router '" + b.name + "': ";
  }

  private void unique(Set<String> ids, String id) {
    if (!ids.add(id) || id.equals(LlmRouter.CLOUD)) {
      throw new ConfigException(prefix() + "node id", id, "must be unique across pools and not 'cloud'");
    }
  }

  private void positive(String setting, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new ConfigException(prefix() + setting, value, "must be > 0");
    }
  }

  private void nonNegative(String setting, Duration value) {
    if (value == null || value.isNegative()) {
      throw new ConfigException(prefix() + setting, value, "must be >= 0");
    }
  }
}
