package dev.headroom.llm;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response-cache step of a request: which requests may be answered from the {@link ResponseCache} (deterministic
 * ones, when a cache is set), the lookup and the store. A failing cache is a miss and a lost store, logged, never a
 * failed request.
 */
final class ResponseCacheStep {
  private static final Logger log = LoggerFactory.getLogger(LlmRouter.class);

  private final ResponseCache cache; // null without a cache
  private final Duration ttl;
  private final LlmMetrics metrics;

  ResponseCacheStep(ResponseCache cache, Duration ttl, LlmMetrics metrics) {
    this.cache = cache;
    this.ttl = ttl;
    this.metrics = metrics;
  }

  /**
   * The cache key of {@code request}, or null when it is not answered from the cache: without a cache, when it is
   * not deterministic, or when it offers tools (an answer that calls a tool is not a text to replay).
   */
  String key(ChatRequest request, ModelTarget target) {
    return cache != null && request.deterministic() && request.tools().isEmpty()
        ? CacheKeys.key(request, target.key()) : null;
  }

  /** The cached answer under {@code key}; empty on a miss or when the cache fails. */
  Optional<String> get(String key) {
    try {
      Optional<String> hit = cache.get(key);
      metrics.cache(hit.isPresent());
      return hit;
    } catch (RuntimeException e) {
      log.warn("response cache lookup failed, routing the request: {}", e.toString());
      return Optional.empty();
    }
  }

  /** Stores {@code text} under {@code key} for the cache's time to live. */
  void put(String key, String text) {
    try {
      cache.put(key, text, ttl);
    } catch (RuntimeException e) {
      log.warn("response cache store failed: {}", e.toString());
    }
  }

  /** The response for a cached answer. */
  static ChatResponse answer(String text, ModelTarget target) {
    return new ChatResponse(text, target.wire(), LlmRouter.CACHE, LlmRouter.CACHE, 0, 0, Duration.ZERO,
        Duration.ZERO, 0);
  }
}
