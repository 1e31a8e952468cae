package dev.headroom.scaling;

import dev.headroom.core.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A scaling trigger as an operator writes it: "p95 latency of the backend &gt; 500 ms warning, &gt; 2 s critical,
 * for 1 minute → scale the backend up, at most every 5 minutes". Immutable; build one with {@link #builder}.
 *
 * <p>Semantics, evaluated at every sample of a {@link ScalingAdvisor}:
 *
 * <ul>
 *   <li>A level (warning, critical) <em>holds</em> from the first sample strictly beyond its threshold until a
 *       sample falls back past {@code threshold ∓ hysteresis} (or has no value).
 *   <li>The rule <em>fires</em> at a level once that level has held for {@link #forDuration()}; until then it is
 *       pending. Each level keeps its own "since", so critical needs its own {@code for} too.
 *   <li>It signals when it starts firing, when it escalates to critical (even within the cooldown), and again
 *       every {@link #cooldown()} while it keeps firing. A signal due within the cooldown of the previous one, or
 *       while a {@link VetoRule veto} blocks its direction, is held back (the state says why) and sent when the
 *       block ends if the rule still fires.
 * </ul>
 */
public final class ScalingRule {
  private final String name;
  private final String service;
  private final MetricSource metric;
  private final Comparison comparison;
  private final double warning;
  private final double critical;
  private final Duration forDuration;
  private final ScaleDirection direction;
  private final Duration cooldown;
  private final double hysteresis;

  private ScalingRule(Builder b, Comparison comparison, ScaleDirection direction) {
    this.name = b.name;
    this.service = b.service;
    this.metric = b.metric;
    this.comparison = comparison;
    this.warning = b.warning;
    this.critical = b.critical;
    this.forDuration = b.forDuration;
    this.direction = direction;
    this.cooldown = b.cooldown;
    this.hysteresis = b.hysteresis;
  }

  /** A builder for a rule named {@code name} (unique within a {@link ScalingConfig}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The rule's name. */
  public String name() {
    return name;
  }

  /** The service (deployment) the rule scales. */
  public String service() {
    return service;
  }

  /** What is measured. */
  public MetricSource metric() {
    return metric;
  }

  /** Whether the rule fires above or below its thresholds. */
  public Comparison comparison() {
    return comparison;
  }

  /** The warning threshold, in the metric's base unit. */
  public double warning() {
    return warning;
  }

  /** The critical threshold, if any. */
  public OptionalDouble critical() {
    return Double.isNaN(critical) ? OptionalDouble.empty() : OptionalDouble.of(critical);
  }

  /** How long a level must hold before the rule fires at it. */
  public Duration forDuration() {
    return forDuration;
  }

  /** Which way the signal asks the service to scale. */
  public ScaleDirection direction() {
    return direction;
  }

  /** The least time between two signals of this rule (escalation to critical excepted). */
  public Duration cooldown() {
    return cooldown;
  }

  /** How far back past a threshold the value must go before that level clears. */
  public double hysteresis() {
    return hysteresis;
  }

  @Override
  public String toString() {
    String c = comparison.symbol();
    return "ScalingRule{" + name + ": " + metric.describe() + " " + c + " " + warning
        + (Double.isNaN(critical) ? "" : " (critical " + c + " " + critical + ")")
        + (forDuration.isZero() ? "" : " for " + forDuration) + " -> " + service + " " + direction.tag()
        + (cooldown.isZero() ? "" : ", cooldown " + cooldown) + (hysteresis == 0 ? "" : ", hysteresis " + hysteresis)
        + '}';
  }

  /** Builds a {@link ScalingRule}; {@link #build()} validates and names any bad setting. */
  public static final class Builder {
    private final String name;
    private String service;
    private MetricSource metric;
    private Comparison comparison;
    private double warning = Double.NaN;
    private double critical = Double.NaN;
    private Duration forDuration = Duration.ZERO;
    private ScaleDirection direction;
    private Duration cooldown = Duration.ZERO;
    private double hysteresis;

    private Builder(String name) {
      this.name = name;
    }

    /** The service (deployment) to scale. Required. */
    public Builder service(String value) {
      this.service = value;
      return this;
    }

    /** What to measure. Required. */
    public Builder metric(MetricSource value) {
      this.metric = Objects.requireNonNull(value, "metric");
      return this;
    }

    /** Fires while the value is above {@code warningThreshold}. */
    public Builder above(double warningThreshold) {
      return thresholds(Comparison.ABOVE, warningThreshold, Double.NaN);
    }

    /** Fires while the value is above {@code warningThreshold}; critical above {@code criticalThreshold}. */
    public Builder above(double warningThreshold, double criticalThreshold) {
      return thresholds(Comparison.ABOVE, warningThreshold, criticalThreshold);
    }

    /** Like {@link #above(double, double)} for a timer metric, whose values are in seconds. */
    public Builder above(Duration warningThreshold, Duration criticalThreshold) {
      return above(seconds(warningThreshold), seconds(criticalThreshold));
    }

    /** Like {@link #above(double)} for a timer metric, whose values are in seconds. */
    public Builder above(Duration warningThreshold) {
      return above(seconds(warningThreshold));
    }

    /** Fires while the value is below {@code warningThreshold}. */
    public Builder below(double warningThreshold) {
      return thresholds(Comparison.BELOW, warningThreshold, Double.NaN);
    }

    /** Fires while the value is below {@code warningThreshold}; critical below {@code criticalThreshold}. */
    public Builder below(double warningThreshold, double criticalThreshold) {
      return thresholds(Comparison.BELOW, warningThreshold, criticalThreshold);
    }

    /** Sets comparison and thresholds at once ({@code criticalThreshold} NaN for none). */
    public Builder thresholds(Comparison value, double warningThreshold, double criticalThreshold) {
      this.comparison = Objects.requireNonNull(value, "comparison");
      this.warning = warningThreshold;
      this.critical = criticalThreshold;
      return this;
    }

    /** How long a level must hold before the rule fires (Prometheus's {@code for}); default 0. */
    public Builder forDuration(Duration value) {
      this.forDuration = value;
      return this;
    }

    /** Which way to scale; default UP for {@code above} rules and DOWN for {@code below} rules. */
    public Builder direction(ScaleDirection value) {
      this.direction = Objects.requireNonNull(value, "direction");
      return this;
    }

    /** The least time between two signals of this rule; default 0 (signal on changes only, never repeat). */
    public Builder cooldown(Duration value) {
      this.cooldown = value;
      return this;
    }

    /** How far back past a threshold the value must go before the level clears; default 0. */
    public Builder hysteresis(double value) {
      this.hysteresis = value;
      return this;
    }

    /** Like {@link #hysteresis(double)} for a timer metric, whose values are in seconds. */
    public Builder hysteresis(Duration value) {
      return hysteresis(seconds(value));
    }

    /** Validates and builds. */
    public ScalingRule build() {
      Checks.plain().nonBlank("rule name", name);
      Checks rule = Checks.in("rule '" + name + "'");
      rule.nonBlank("service", service);
      rule.required("metric", metric);
      rule.required("above/below threshold", comparison);
      if (!Double.isFinite(warning)) {
        throw rule.invalid("warning threshold", warning, "must be a finite number");
      }
      if (!Double.isNaN(critical)) {
        if (!Double.isFinite(critical)) {
          throw rule.invalid("critical threshold", critical, "must be a finite number");
        }
        if (!comparison.beyond(critical, warning)) {
          throw rule.invalid("critical threshold", critical,
              "must be " + (comparison == Comparison.ABOVE ? "above" : "below") + " the warning threshold " + warning);
        }
      }
      rule.nonNegative("for", forDuration);
      rule.nonNegative("cooldown", cooldown);
      rule.nonNegative("hysteresis", hysteresis);
      ScaleDirection dir = direction != null ? direction
          : comparison == Comparison.ABOVE ? ScaleDirection.UP : ScaleDirection.DOWN;
      return new ScalingRule(this, comparison, dir);
    }

    private static double seconds(Duration d) {
      Objects.requireNonNull(d, "threshold");
      return d.toNanos() / 1e9;
    }
  }
}
