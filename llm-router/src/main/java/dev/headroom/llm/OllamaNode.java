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
 */
public record OllamaNode(String id, URI uri, int numParallel, double weight) {
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
