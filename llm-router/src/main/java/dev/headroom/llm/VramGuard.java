package dev.headroom.llm;

import dev.headroom.core.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link VramPolicy} at every poll of a node's {@code /api/ps}: measures its VRAM use, flags it in the
 * {@link Catalog} above the warning level (the model selector then avoids cold loads there), and above the critical
 * level unloads the least recently used model that has no exchange in flight ({@link InFlight}). Runs on the
 * poller's worker thread, one node at a time per node.
 */
final class VramGuard {
  private static final Logger log = LoggerFactory.getLogger(VramGuard.class);

  private final VramPolicy policy;
  private final Catalog catalog;
  private final InFlight inFlight;
  private final WireOllama client;
  private final Duration timeout;
  private final MeterRegistry registry;
  private final Map<String, NodeVram> nodes = new ConcurrentHashMap<>();

  VramGuard(VramPolicy policy, Catalog catalog, InFlight inFlight, WireOllama client, Duration timeout,
      MeterRegistry registry) {
    this.policy = policy;
    this.catalog = catalog;
    this.inFlight = inFlight;
    this.client = client;
    this.timeout = timeout;
    this.registry = registry;
  }

  /** One node's last measurement and its meters. */
  private static final class NodeVram {
    volatile long used;
    volatile double usage = Double.NaN;
    volatile int level; // 0 fine, 1 warning, 2 critical
    final List<Meter> meters = new ArrayList<>();
  }

  /** What {@code /api/ps} of {@code node} just reported; may unload one model. */
  void observed(Endpoint node, Map<String, WireOllama.Running> running) throws InterruptedException {
    OptionalLong capacity = policy.capacity(node.id());
    if (capacity.isEmpty()) {
      return;
    }
    NodeVram state = nodes.computeIfAbsent(node.id(), id -> register(id, capacity.getAsLong()));
    long used = running.values().stream().mapToLong(WireOllama.Running::sizeVram).sum();
    double usage = (double) used / capacity.getAsLong();
    state.used = used;
    state.usage = usage;
    int level = usage >= policy.criticalLevel() ? 2 : usage >= policy.warningLevel() ? 1 : 0;
    if (level > state.level) {
      log.warn("ollama node '{}' uses {}% of its VRAM ({} of {} bytes){}", node.id(), Math.round(usage * 100), used,
          capacity.getAsLong(), level == 2 ? ", critical: unloading idle models" : ": no cold loads there");
    } else if (level < state.level && level == 0) {
      log.info("ollama node '{}' VRAM use back to {}%", node.id(), Math.round(usage * 100));
    }
    state.level = level;
    catalog.vramHigh(node.id(), level >= 1);
    if (level == 2 && policy.unloadAtCritical()) {
      unloadOne(node, running);
    }
  }

  /** Unloads the least recently used model of {@code node} with nothing in flight, if there is one. */
  private void unloadOne(Endpoint node, Map<String, WireOllama.Running> running) throws InterruptedException {
    String victim = null;
    long oldest = Long.MAX_VALUE;
    for (String model : running.keySet()) {
      if (inFlight.running(node.id(), model) > 0) {
        continue; // never pull a model from under a request
      }
      long last = inFlight.lastUse(node.id(), model);
      if (victim == null || last < oldest || last == oldest && model.compareTo(victim) < 0) {
        victim = model;
        oldest = last;
      }
    }
    if (victim == null) {
      log.debug("ollama node '{}' is at its critical VRAM level but every loaded model has requests in flight",
          node.id());
      return;
    }
    try {
      client.unload(node.uri(), victim, timeout);
    } catch (java.io.IOException | RuntimeException e) {
      log.warn("could not unload '{}' from ollama node '{}': {}", victim, node.id(), e.toString());
      return;
    }
    catalog.unloaded(node.id(), victim);
    log.info("unloaded '{}' from ollama node '{}' (least recently used, VRAM critical)", victim, node.id());
    if (registry != null) {
      Counter.builder(LlmMetricNames.VRAM_UNLOADS).description("Models unloaded from a node at its critical VRAM level")
          .tags("endpoint", node.id(), "model", victim).register(registry).increment();
    }
  }

  private NodeVram register(String node, long capacity) {
    NodeVram state = new NodeVram();
    if (registry != null) {
      state.meters.add(Gauge.builder(LlmMetricNames.VRAM_USAGE, state, s -> s.usage)
          .description("Share of the node's VRAM capacity in use (size_vram of its loaded models)")
          .tag("endpoint", node).strongReference(true).register(registry));
      state.meters.add(Gauge.builder(LlmMetricNames.VRAM_USED, state, s -> s.used).baseUnit("bytes")
          .description("VRAM in use by the node's loaded models").tag("endpoint", node).strongReference(true)
          .register(registry));
      state.meters.add(Gauge.builder(LlmMetricNames.VRAM_CAPACITY, () -> capacity).baseUnit("bytes")
          .description("The node's configured VRAM capacity").tag("endpoint", node).strongReference(true)
          .register(registry));
    }
    return state;
  }

  /** The share of capacity {@code node} used at its last poll; empty without a capacity or a poll. */
  OptionalDouble usage(String node) {
    NodeVram state = nodes.get(node);
    return state == null || Double.isNaN(state.usage) ? OptionalDouble.empty() : OptionalDouble.of(state.usage);
  }

  /** Drops a removed node's state and meters. */
  void forget(String node) {
    NodeVram state = nodes.remove(node);
    if (state != null && registry != null) {
      state.meters.forEach(registry::remove);
    }
  }

  /** Removes every meter. */
  void close() {
    for (String node : List.copyOf(nodes.keySet())) {
      forget(node);
    }
  }
}
