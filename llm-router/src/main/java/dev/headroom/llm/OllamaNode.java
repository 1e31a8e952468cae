package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.net.URI;
import java.util.Objects;

/**
 * One Ollama server of the fleet.
 *
 * @param id unique across the router's pools; used in metrics and errors
 * @param uri its base URI, e.g. {@code http://10.0.0.5:11434}
 * @param numParallel the server's {@code OLLAMA_NUM_PARALLEL}: the router sends it at most this many requests at
 *     once and queues the rest client-side, where it can still overflow them
 * @param weight relative speed, > 0 (2 for a node twice as fast); measured speed refines it
 * @param maxLoadedModels the server's {@code OLLAMA_MAX_LOADED_MODELS}, or 0 when not given: a node that already
 *     holds that many models evicts one to load another, and placement then prices the eviction (the reload that
 *     the evicted model's next request will pay)
 */
public record OllamaNode(String id, URI uri, int numParallel, double weight, int maxLoadedModels) {
  /** Validates. */
  public OllamaNode {
    Checks.in("ollama node").nonBlank("id", id);
    Checks checks = Checks.in("ollama node '" + id + "'");
    Objects.requireNonNull(uri, "uri");
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw checks.invalid("uri", uri, "must be an http or https URI");
    }
    if (numParallel < 1) {
      throw checks.invalid("numParallel", numParallel, "must be >= 1 (it is the server's OLLAMA_NUM_PARALLEL)");
    }
    checks.positive("weight", weight);
    if (maxLoadedModels < 0) {
      throw checks.invalid("maxLoadedModels", maxLoadedModels,
          "must be >= 0 (the server's OLLAMA_MAX_LOADED_MODELS; 0: not given)");
    }
  }

  /** A node whose {@code OLLAMA_MAX_LOADED_MODELS} is not given (evictions are not priced). */
  public OllamaNode(String id, URI uri, int numParallel, double weight) {
    this(id, uri, numParallel, weight, 0);
  }

  /** This node with its server's {@code OLLAMA_MAX_LOADED_MODELS}, so that placement prices evictions. */
  public OllamaNode withMaxLoadedModels(int value) {
    return new OllamaNode(id, uri, numParallel, weight, value);
  }

  /** A node with weight 1. */
  public static OllamaNode of(String id, URI uri, int numParallel) {
    return new OllamaNode(id, uri, numParallel, 1.0);
  }

  /** A node with weight 1, its URI parsed from text. */
  public static OllamaNode of(String id, String uri, int numParallel) {
    return of(id, URI.create(uri), numParallel);
  }
}
