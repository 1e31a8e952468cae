package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * GPU memory management for the Ollama nodes (seed 002 §2, the VRAM manager): each node's VRAM capacity, against
 * which the router measures what {@code /api/ps} reports in use ({@code size_vram} of the loaded models) at every
 * fleet poll. At or above the {@link #warningLevel() warning level} the router logs a warning and places no cold
 * load on the node while another node can take the request; at or above the {@link #criticalLevel() critical
 * level} it unloads the node's least recently used model through Ollama's API ({@code keep_alive: 0}), one per
 * poll, never one with requests in flight. Nodes without a capacity are left alone. Immutable.
 *
 * <pre>{@code
 * LlmRouter.builder()
 *     .node(OllamaNode.of("gpu-1", "http://10.0.0.5:11434", 4))
 *     .vram(VramPolicy.builder().capacity(24L << 30)            // every node: 24 GiB
 *         .capacity("gpu-2", 48L << 30).build())                 // this one: 48 GiB
 * }</pre>
 */
public final class VramPolicy {
  /**
   * The default warning level: 80% of capacity in use, i.e. the VRAM headroom below 20% at which seed 002 stops
   * scaling the LLM worker up ({@code docs/scaling/seed-002-worker-llm.yaml}).
   */
  public static final double DEFAULT_WARNING_LEVEL = 0.80;
  /** The default critical level: 95% in use (Headroom's choice: close enough to full that a load would fail). */
  public static final double DEFAULT_CRITICAL_LEVEL = 0.95;

  private final long defaultCapacity;
  private final Map<String, Long> capacities;
  private final double warningLevel;
  private final double criticalLevel;
  private final boolean unloadAtCritical;

  private VramPolicy(Builder b) {
    this.defaultCapacity = b.defaultCapacity;
    this.capacities = Map.copyOf(b.capacities);
    this.warningLevel = b.warningLevel;
    this.criticalLevel = b.criticalLevel;
    this.unloadAtCritical = b.unloadAtCritical;
  }

  /** A builder: no capacities yet, warning at 80%, critical at 95%, unloading at critical. */
  public static Builder builder() {
    return new Builder();
  }

  /** The VRAM capacity of {@code node} in bytes: its own, else the default; empty when neither is set. */
  public OptionalLong capacity(String node) {
    Long own = capacities.get(node);
    if (own != null) {
      return OptionalLong.of(own);
    }
    return defaultCapacity > 0 ? OptionalLong.of(defaultCapacity) : OptionalLong.empty();
  }

  /** The share of capacity in use at which cold loads avoid the node and a warning is logged. */
  public double warningLevel() {
    return warningLevel;
  }

  /** The share of capacity in use at which the least recently used idle model is unloaded. */
  public double criticalLevel() {
    return criticalLevel;
  }

  /** Whether models are unloaded at the critical level (else it is only reported). */
  public boolean unloadAtCritical() {
    return unloadAtCritical;
  }

  @Override
  public String toString() {
    return "VramPolicy{default=" + (defaultCapacity > 0 ? defaultCapacity + " B" : "none") + ", nodes="
        + capacities.keySet() + ", warning=" + warningLevel + ", critical=" + criticalLevel
        + (unloadAtCritical ? "" : ", no unloads") + '}';
  }

  /** Builds a {@link VramPolicy}; {@link #build()} names any bad setting. */
  public static final class Builder {
    private long defaultCapacity;
    private final Map<String, Long> capacities = new LinkedHashMap<>();
    private double warningLevel = DEFAULT_WARNING_LEVEL;
    private double criticalLevel = DEFAULT_CRITICAL_LEVEL;
    private boolean unloadAtCritical = true;

    private Builder() {}

    /** The VRAM capacity in bytes of every node that has none of its own. */
    public Builder capacity(long bytes) {
      this.defaultCapacity = Checks.in("vram policy").atLeast("capacity", bytes, 1L);
      return this;
    }

    /** The VRAM capacity in bytes of the node {@code nodeId}. */
    public Builder capacity(String nodeId, long bytes) {
      Checks checks = Checks.in("vram policy");
      checks.nonBlank("capacity node", nodeId);
      capacities.put(nodeId, checks.atLeast("capacity of '" + nodeId + "'", bytes, 1L));
      return this;
    }

    /** The warning level, a share of capacity in (0, 1]; default 0.80. */
    public Builder warningLevel(double share) {
      this.warningLevel = share;
      return this;
    }

    /** The critical level, a share of capacity in (0, 1] at or above the warning level; default 0.95. */
    public Builder criticalLevel(double share) {
      this.criticalLevel = share;
      return this;
    }

    /** Only report the critical level: never unload a model. */
    public Builder noUnloads() {
      this.unloadAtCritical = false;
      return this;
    }

    /** Validates and builds. */
    public VramPolicy build() {
      Checks checks = Checks.in("vram policy");
      if (!(warningLevel > 0 && warningLevel <= 1)) {
        throw checks.invalid("warningLevel", warningLevel, "must be in (0, 1]");
      }
      if (!(criticalLevel > 0 && criticalLevel <= 1) || criticalLevel < warningLevel) {
        throw checks.invalid("criticalLevel", criticalLevel, "must be in [warningLevel, 1] = [" + warningLevel
            + ", 1]");
      }
      Objects.requireNonNull(capacities);
      return new VramPolicy(this);
    }
  }
}
