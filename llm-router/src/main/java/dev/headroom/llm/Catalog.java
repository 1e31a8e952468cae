package dev.headroom.llm;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each Ollama node has: the models on disk (from {@code /api/tags}; a node is sent only models it has), the
 * models in memory and until when (from {@code /api/ps} and from replies), and how long a cold load of a model took
 * there (from replies' {@code load_duration}). Model names are normalized ({@code name:latest}). Only registered
 * nodes are kept: what arrives for a node after it was {@linkplain #forget forgotten} (a late poll or reply) is
 * dropped. Thread-safe; reads are a map lookup and a set lookup, cheap enough for a selector on the pick path.
 */
final class Catalog {
  /** A reply's load time above this was a real (cold) load, not the few milliseconds of a warm model. */
  static final long COLD_LOAD_THRESHOLD_NANOS = 100_000_000L;

  private final long defaultColdLoadNanos;
  private final long keepAliveNanos;
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();

  Catalog(long defaultColdLoadNanos, long keepAliveNanos) {
    this.defaultColdLoadNanos = defaultColdLoadNanos;
    this.keepAliveNanos = keepAliveNanos;
  }

  /**
   * Starts keeping entries for {@code node} (none yet: it is sent nothing until its tags are read), which holds at
   * most {@code maxLoadedModels} models in memory (0: not given).
   */
  void register(String node, int maxLoadedModels) {
    Node n = new Node();
    n.maxLoaded = maxLoadedModels;
    nodes.putIfAbsent(node, n);
  }

  /**
   * The model that loading {@code model} on {@code node} would evict: the least recently used loaded one, when the
   * node already holds its {@code OLLAMA_MAX_LOADED_MODELS}; null when nothing would be (the model is loaded, the
   * node has room, or its limit is not given).
   */
  String evictee(String node, String model, long now) {
    Node n = nodes.get(node);
    if (n == null || n.maxLoaded <= 0 || loaded(node, model, now)) {
      return null;
    }
    String victim = null;
    long oldest = 0;
    int count = 0;
    for (Map.Entry<String, Long> e : n.loadedUntil.entrySet()) {
      long until = e.getValue();
      if (until - now > 0) {
        count++;
        if (victim == null || until - oldest < 0) {
          victim = e.getKey();
          oldest = until;
        }
      }
    }
    return count >= n.maxLoaded ? victim : null;
  }

  /** Drops everything about {@code node}: it was removed from the router. */
  void forget(String node) {
    nodes.remove(node);
  }

  /** How many nodes are registered. */
  int size() {
    return nodes.size();
  }

  /** Whether {@code node} is known to have {@code model} on disk. Unknown nodes have nothing. */
  boolean has(String node, String model) {
    Node n = nodes.get(node);
    return n != null && n.available.contains(model);
  }

  /** Whether {@code node} has {@code model} in memory at {@code now}. */
  boolean loaded(String node, String model, long now) {
    Node n = nodes.get(node);
    if (n == null) {
      return false;
    }
    Long until = n.loadedUntil.get(model);
    return until != null && until - now > 0;
  }

  /** The expected cold-load time of {@code model} on {@code node}: measured there, else elsewhere, else default. */
  long expectedLoadNanos(String node, String model) {
    Node n = nodes.get(node);
    Long here = n == null ? null : n.loadNanos.get(model);
    if (here != null) {
      return here;
    }
    long elsewhere = -1;
    for (Node other : nodes.values()) {
      Long measured = other.loadNanos.get(model);
      if (measured != null) {
        elsewhere = Math.max(elsewhere, measured);
      }
    }
    return elsewhere >= 0 ? elsewhere : defaultColdLoadNanos;
  }

  /** Whether {@code /api/tags} of {@code node} has been read at least once. */
  boolean known(String node) {
    Node n = nodes.get(node);
    return n != null && n.known;
  }

  /** The result of {@code /api/tags}. */
  void tags(String node, Set<String> models) {
    Node n = nodes.get(node);
    if (n == null) {
      return;
    }
    n.available = Set.copyOf(models);
    n.known = true;
    n.loadedUntil.keySet().retainAll(models);
  }

  /** The result of {@code /api/ps}: the models in memory and until when (ticker nanos). */
  void ps(String node, Map<String, Long> loadedUntil) {
    Node n = nodes.get(node);
    if (n == null) {
      return;
    }
    n.loadedUntil.keySet().retainAll(loadedUntil.keySet());
    n.loadedUntil.putAll(loadedUntil);
  }

  /** A node answered with {@code model}: it has it, it is loaded now, and the reply said how long loading took. */
  void served(String node, String model, long loadNanos, long now) {
    Node n = nodes.get(node);
    if (n == null) {
      return;
    }
    if (!n.available.contains(model)) {
      Set<String> more = new TreeSet<>(n.available);
      more.add(model);
      n.available = Set.copyOf(more);
    }
    n.loadedUntil.put(model, now + keepAliveNanos);
    if (loadNanos > COLD_LOAD_THRESHOLD_NANOS) {
      n.loadNanos.put(model, loadNanos);
    }
  }

  /** A node said it does not have {@code model} (404): forget it there until the next {@code /api/tags}. */
  void missing(String node, String model) {
    Node n = nodes.get(node);
    if (n != null) {
      Set<String> fewer = new TreeSet<>(n.available);
      fewer.remove(model);
      n.available = Set.copyOf(fewer);
      n.loadedUntil.remove(model);
    }
  }

  /** {@code model} was unloaded from {@code node}'s memory (by the VRAM guard): its next request loads it cold. */
  void unloaded(String node, String model) {
    Node n = nodes.get(node);
    if (n != null) {
      n.loadedUntil.remove(model);
    }
  }

  /** Whether some node is known to have {@code model} on disk. */
  boolean anyHas(String model) {
    for (Node n : nodes.values()) {
      if (n.available.contains(model)) {
        return true;
      }
    }
    return false;
  }

  /** The models on disk of every node whose {@code /api/tags} was read, sorted. */
  Set<String> allAvailable() {
    Set<String> all = new TreeSet<>();
    nodes.values().forEach(n -> all.addAll(n.available));
    return all;
  }

  /** How many nodes have not had their {@code /api/tags} read yet. */
  int unread() {
    return (int) nodes.values().stream().filter(n -> !n.known).count();
  }

  /** The models on disk of {@code node}, sorted. */
  Set<String> available(String node) {
    Node n = nodes.get(node);
    return n == null ? Set.of() : new TreeSet<>(n.available);
  }

  /** The models in memory of {@code node} at {@code now}, sorted. */
  Set<String> loaded(String node, long now) {
    Node n = nodes.get(node);
    Set<String> loaded = new TreeSet<>();
    if (n != null) {
      n.loadedUntil.forEach((model, until) -> {
        if (until - now > 0) {
          loaded.add(model);
        }
      });
    }
    return loaded;
  }

  /**
   * Marks {@code node}'s VRAM use as at or above the warning level (or back below it): {@link ModelSelector} then
   * places no cold load there while another node can take it.
   */
  void vramHigh(String node, boolean high) {
    Node n = nodes.get(node);
    if (n != null) {
      n.vramHigh = high;
    }
  }

  /** Whether {@code node}'s VRAM use was at or above the warning level at its last poll. */
  boolean vramHigh(String node) {
    Node n = nodes.get(node);
    return n != null && n.vramHigh;
  }

  /**
   * Whether a node other than {@code except} can take {@code model} without a cold load above the VRAM warning
   * level: it has the model in memory, or on disk with its VRAM below the warning level.
   */
  boolean placeableElsewhere(String except, String model, long now) {
    for (Map.Entry<String, Node> e : nodes.entrySet()) {
      Node n = e.getValue();
      if (e.getKey().equals(except) || !n.available.contains(model)) {
        continue;
      }
      Long until = n.loadedUntil.get(model);
      if (!n.vramHigh || until != null && until - now > 0) {
        return true;
      }
    }
    return false;
  }

  /** One node's entries. */
  private static final class Node {
    volatile Set<String> available = Set.of();
    volatile boolean known;
    volatile boolean vramHigh;
    volatile int maxLoaded;
    final Map<String, Long> loadedUntil = new ConcurrentHashMap<>();
    final Map<String, Long> loadNanos = new ConcurrentHashMap<>();
  }
}
