package dev.headroom.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * An optional cache of answers to deterministic requests (temperature 0 or a fixed seed), consulted before routing
 * and filled after a successful answer. Requests that are not deterministic never reach it.
 *
 * <p>The key is a SHA-256 hex digest of everything that determines the answer: the request kind, the resolved model,
 * the messages (or system prompt and prompt) and the sampling options. It is the same across processes and
 * versions of this library's minor line, so a shared cache (Redis) works across a fleet of clients. Implementations
 * must be thread-safe, should be fast, and may drop entries at any time; a failing cache must not fail requests
 * (the router logs and ignores exceptions from it). {@link InMemoryResponseCache} is the in-process implementation.
 */
public interface ResponseCache {

  /** The cached answer for {@code key}, if present and not expired. */
  Optional<String> get(String key);

  /** Stores {@code text} as the answer for {@code key}, to expire after {@code ttl}. */
  void put(String key, String text, Duration ttl);
}
