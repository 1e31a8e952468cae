package dev.headroom.core;

import java.util.Objects;
import java.util.Set;

/**
 * Which endpoints a request may use, and how much it prefers some of them. Composed in front of any
 * {@link Picker}: "only endpoints with model X", "device = NPU", "not the one that just failed".
 *
 * <p>{@link #costFactor} lets a request prefer endpoints without excluding the others: the default picker
 * multiplies an endpoint's cost by it (for example 0.2 for a node that already has the model loaded).
 */
@FunctionalInterface
public interface Selector {

  /** Whether the request may use this endpoint. Must be fast and must not block. */
  boolean accepts(EndpointState endpoint);

  /** A multiplier on this endpoint's cost for cost-based pickers; 1 by default, lower is preferred. */
  default double costFactor(EndpointState endpoint) {
    return 1.0;
  }

  /**
   * Whether the pool's slow start ({@link SlowStart}) applies to this endpoint for this request; true by default.
   * A selector whose cost factor already prices the endpoint's warm-up returns false for it, so that the warm-up is
   * not counted twice (the LLM router's model selector: a node that would have to load the model pays the load in
   * its cost factor). Must be fast and must not block.
   */
  default boolean slowStart(EndpointState endpoint) {
    return true;
  }

  /** Accepts every endpoint. */
  static Selector any() {
    return Selectors.ANY;
  }

  /** Accepts endpoints whose label {@code key} equals {@code value}. */
  static Selector label(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return endpoint -> value.equals(endpoint.endpoint().labels().get(key));
  }

  /** Accepts endpoints that have the label {@code key}, whatever its value. */
  static Selector hasLabel(String key) {
    Objects.requireNonNull(key, "key");
    return endpoint -> endpoint.endpoint().labels().containsKey(key);
  }

  /** Accepts every endpoint except those whose id is in {@code ids}. */
  static Selector excluding(Set<String> ids) {
    Set<String> copy = Set.copyOf(ids);
    return endpoint -> !copy.contains(endpoint.id());
  }

  /**
   * Accepts the endpoints that are eligible on their own, not only because their pool is in panic
   * ({@link EndpointState#admittedByPanic()}). A {@code Router} uses it in every tier but its last, so that a tier
   * whose endpoints are all ejected or broken spills to the next instead of panicking.
   */
  static Selector withoutPanic() {
    return Selectors.WITHOUT_PANIC;
  }

  /** Accepts what both accept; cost factors multiply; slow start applies where both let it. */
  default Selector and(Selector other) {
    Objects.requireNonNull(other, "other");
    if (this == Selectors.ANY) {
      return other;
    }
    if (other == Selectors.ANY) {
      return this;
    }
    Selector self = this;
    return new Selector() {
      @Override
      public boolean accepts(EndpointState endpoint) {
        return self.accepts(endpoint) && other.accepts(endpoint);
      }

      @Override
      public double costFactor(EndpointState endpoint) {
        return self.costFactor(endpoint) * other.costFactor(endpoint);
      }

      @Override
      public boolean slowStart(EndpointState endpoint) {
        return self.slowStart(endpoint) && other.slowStart(endpoint);
      }
    };
  }
}
