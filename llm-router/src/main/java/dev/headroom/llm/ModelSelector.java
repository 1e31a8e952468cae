package dev.headroom.llm;

import dev.headroom.core.EndpointState;
import dev.headroom.core.Selector;
import dev.headroom.core.time.Ticker;

/**
 * Model-aware routing for one request: only nodes that have the model on disk are eligible (never send a model to a
 * node that lacks it), nodes that have it in memory are preferred ({@code costFactor < 1}), and a node that would
 * have to load it pays the measured cold-load time on top of its cost, so that it is chosen only when the others'
 * queues are longer than a load; a node that already holds its {@code OLLAMA_MAX_LOADED_MODELS} also pays the reload
 * of the model the load would evict (its least recently used one), which the next request for that model pays. A node whose GPU memory is above the warning level gets no cold load while another
 * node can take the request.
 */
final class ModelSelector implements Selector {
  private final Catalog catalog;
  private final LlmCost cost;
  private final Ticker ticker;
  private final String model;
  private final double loadedPreference;

  ModelSelector(Catalog catalog, LlmCost cost, Ticker ticker, String model, double loadedPreference) {
    this.catalog = catalog;
    this.cost = cost;
    this.ticker = ticker;
    this.model = model;
    this.loadedPreference = loadedPreference;
  }

  /**
   * A node must have the model on disk; one whose VRAM is above the warning level ({@link VramPolicy}) must also
   * have it in memory, unless no other node can take it without such a load (then a cold load there is still
   * better than no answer).
   */
  @Override
  public boolean accepts(EndpointState endpoint) {
    String id = endpoint.id();
    if (!catalog.has(id, model)) {
      return false;
    }
    if (!catalog.vramHigh(id)) {
      return true;
    }
    long now = ticker.read();
    return catalog.loaded(id, model, now) || !catalog.placeableElsewhere(id, model, now);
  }

  @Override
  public double costFactor(EndpointState endpoint) {
    long now = ticker.read();
    if (catalog.loaded(endpoint.id(), model, now)) {
      return loadedPreference;
    }
    double base = Math.max(1, cost.cost(endpoint, now));
    double load = catalog.expectedLoadNanos(endpoint.id(), model);
    String evicted = catalog.evictee(endpoint.id(), model, now);
    if (evicted != null) { // its next request there pays a load again: the eviction's price
      load += catalog.expectedLoadNanos(endpoint.id(), evicted);
    }
    return 1 + load / base;
  }

  /**
   * Slow start applies only to a node that has the model loaded: one that would have to load it already pays the
   * measured cold-load time in {@link #costFactor}, and ramping it as well would count its warm-up twice.
   */
  @Override
  public boolean slowStart(EndpointState endpoint) {
    return catalog.loaded(endpoint.id(), model, ticker.read());
  }

  @Override
  public String toString() {
    return "model(" + model + ")";
  }
}
