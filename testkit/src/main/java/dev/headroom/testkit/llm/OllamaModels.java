package dev.headroom.testkit.llm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The models of a {@link FakeOllama}: which are on disk, which are loaded in memory, the cold load of a model (one at
 * a time per model; concurrent requests wait for the same load), and the {@code /api/tags} and {@code /api/ps}
 * listings. Model names are normalized as Ollama does ({@link FakeOllama#normalize(String)}).
 */
final class OllamaModels {
  /** The size of llama3.2 3B Q4_K_M, Ollama's default pull, as {@code /api/tags} reports it. */
  static final long DEFAULT_SIZE = 2_019_393_189L;

  private final Set<String> onDisk = ConcurrentHashMap.newKeySet();
  private final Set<String> loaded = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> loading = new ConcurrentHashMap<>();
  private final AtomicLong coldLoads = new AtomicLong();
  private final Map<String, Long> sizes;

  OllamaModels(List<String> models, List<String> loadedModels, Map<String, Long> sizes) {
    this.sizes = Map.copyOf(sizes);
    models.forEach(m -> onDisk.add(FakeOllama.normalize(m)));
    loadedModels.forEach(m -> {
      onDisk.add(FakeOllama.normalize(m));
      loaded.add(FakeOllama.normalize(m));
    });
  }

  void pull(String model) {
    onDisk.add(FakeOllama.normalize(model));
  }

  void remove(String model) {
    onDisk.remove(FakeOllama.normalize(model));
    loaded.remove(FakeOllama.normalize(model));
  }

  void unload(String model) {
    loaded.remove(FakeOllama.normalize(model));
  }

  boolean isLoaded(String model) {
    return loaded.contains(FakeOllama.normalize(model));
  }

  /** Whether the model (a normalized name) is on disk. */
  boolean onDisk(String key) {
    return onDisk.contains(key);
  }

  long coldLoads() {
    return coldLoads.get();
  }

  /**
   * Waits for the model (a normalized name) to be in memory, paying {@code coldLoadNanos} when this request is the
   * one that loads it; returns the nanoseconds spent, or -1 when interrupted.
   */
  long ensureLoaded(String model, LongSupplier coldLoadNanos) {
    long start = System.nanoTime();
    if (loaded.contains(model)) {
      return System.nanoTime() - start;
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> load = loading.putIfAbsent(model, mine);
    if (load == null) {
      coldLoads.incrementAndGet();
      boolean done = FakeServer.pause(coldLoadNanos.getAsLong());
      if (done) {
        loaded.add(model);
      }
      loading.remove(model);
      mine.complete(null);
      if (!done) {
        return -1;
      }
    } else {
      load.join();
      if (!loaded.contains(model)) {
        return -1;
      }
    }
    return System.nanoTime() - start;
  }

  /** The body of {@code /api/tags}: the models on disk. */
  ObjectNode tags() {
    return list(onDisk, false, sizes);
  }

  /** The body of {@code /api/ps}: the models in memory. */
  ObjectNode ps() {
    return list(loaded, true, sizes);
  }

  /** The names in memory, for {@code toString()}. */
  @Override
  public String toString() {
    return loaded.toString();
  }

  private static ObjectNode list(Set<String> names, boolean running, Map<String, Long> sizes) {
    ObjectNode root = FakeServer.JSON.createObjectNode();
    ArrayNode list = root.putArray("models");
    for (String model : new LinkedHashSet<>(names)) {
      ObjectNode m = list.addObject();
      m.put("name", model).put("model", model);
      if (!running) {
        m.put("modified_at", OffsetDateTime.now(ZoneOffset.UTC).minusDays(3).toString());
      }
      long size = sizes.getOrDefault(model, DEFAULT_SIZE);
      m.put("size", size).put("digest", Integer.toHexString(model.hashCode()) + "a3dd734790bbbf58b8909a6");
      ObjectNode details = m.putObject("details");
      details.put("parent_model", "").put("format", "gguf").put("family", "llama");
      details.putArray("families").add("llama");
      details.put("parameter_size", "3.2B").put("quantization_level", "Q4_K_M");
      if (running) {
        m.put("expires_at", OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(5).toString());
        m.put("size_vram", size);
      }
    }
    return root;
  }
}
