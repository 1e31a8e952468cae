package dev.headroom.scaling;

import dev.headroom.core.Checks;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A condition that blocks scaling in one direction while it holds: "GPU VRAM headroom &lt; 20% → do not scale up".
 * Signals it blocks are held back, not dropped: the rule sends its signal once the veto clears, if it still fires.
 * Immutable; build one with {@link #builder}.
 *
 * <p>The condition holds from the first sample strictly beyond the threshold until a sample falls back past
 * {@code threshold ∓ hysteresis}; the veto is active once it has held for {@link #forDuration()}. A sample with no
 * value clears it (vetoes fail open: missing data never freezes scaling).
 */
public final class VetoRule {
  private final String name;
  private final Set<String> services;
  private final MetricSource metric;
  private final Comparison comparison;
  private final double threshold;
  private final Duration forDuration;
  private final double hysteresis;
  private final ScaleDirection blocks;

  private VetoRule(Builder b) {
    this.name = b.name;
    this.services = Set.copyOf(b.services);
    this.metric = b.metric;
    this.comparison = b.comparison;
    this.threshold = b.threshold;
    this.forDuration = b.forDuration;
    this.hysteresis = b.hysteresis;
    this.blocks = b.blocks;
  }

  /** A builder for a veto named {@code name} (unique within a {@link ScalingConfig}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The veto's name. */
  public String name() {
    return name;
  }

  /** The services it applies to; empty means every service. */
  public Set<String> services() {
    return services;
  }

  /** True if it applies to {@code service}. */
  public boolean appliesTo(String service) {
    return services.isEmpty() || services.contains(service);
  }

  /** What is measured. */
  public MetricSource metric() {
    return metric;
  }

  /** Whether it holds above or below its threshold. */
  public Comparison comparison() {
    return comparison;
  }

  /** The threshold, in the metric's base unit. */
  public double threshold() {
    return threshold;
  }

  /** How long the condition must hold before the veto is active. */
  public Duration forDuration() {
    return forDuration;
  }

  /** How far back past the threshold the value must go before the veto clears. */
  public double hysteresis() {
    return hysteresis;
  }

  /** The direction it blocks. */
  public ScaleDirection blocks() {
    return blocks;
  }

  @Override
  public String toString() {
    return "VetoRule{" + name + ": " + metric.describe() + " " + comparison.symbol() + " " + threshold
        + (forDuration.isZero() ? "" : " for " + forDuration) + " -> no scaling " + blocks.tag()
        + (services.isEmpty() ? "" : " of " + services) + '}';
  }

  /** Builds a {@link VetoRule}. */
  public static final class Builder {
    private final String name;
    private final Set<String> services = new LinkedHashSet<>();
    private MetricSource metric;
    private Comparison comparison;
    private double threshold = Double.NaN;
    private Duration forDuration = Duration.ZERO;
    private double hysteresis;
    private ScaleDirection blocks = ScaleDirection.UP;

    private Builder(String name) {
      this.name = name;
    }

    /** Limits the veto to these services; by default it applies to all. */
    public Builder services(String... names) {
      for (String service : names) {
        services.add(Checks.in("veto '" + name + "'").nonBlank("service", service));
      }
      return this;
    }

    /** What to measure. Required. */
    public Builder metric(MetricSource value) {
      this.metric = Objects.requireNonNull(value, "metric");
      return this;
    }

    /** Active while the value is above {@code value}. */
    public Builder above(double value) {
      this.comparison = Comparison.ABOVE;
      this.threshold = value;
      return this;
    }

    /** Active while the value is below {@code value}. */
    public Builder below(double value) {
      this.comparison = Comparison.BELOW;
      this.threshold = value;
      return this;
    }

    /** How long the condition must hold first; default 0. */
    public Builder forDuration(Duration value) {
      this.forDuration = value;
      return this;
    }

    /** How far back past the threshold the value must go before the veto clears; default 0. */
    public Builder hysteresis(double value) {
      this.hysteresis = value;
      return this;
    }

    /** The direction to block; default UP. */
    public Builder blocks(ScaleDirection value) {
      this.blocks = Objects.requireNonNull(value, "blocks");
      return this;
    }

    /** Validates and builds. */
    public VetoRule build() {
      Checks.plain().nonBlank("veto name", name);
      Checks veto = Checks.in("veto '" + name + "'");
      veto.required("metric", metric);
      veto.required("above/below threshold", comparison);
      if (!Double.isFinite(threshold)) {
        throw veto.invalid("threshold", threshold, "must be a finite number");
      }
      veto.nonNegative("for", forDuration);
      veto.nonNegative("hysteresis", hysteresis);
      return new VetoRule(this);
    }
  }
}
