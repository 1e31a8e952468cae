package dev.headroom.scaling;

import dev.headroom.core.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One row of a decision matrix (seed 002's "High traffic + High latency | Scale up"): when every rule in
 * {@link #when()} fires and none in {@link #unless()} does, the service's outcome is {@link #action()}. Of the
 * decisions of a service that match a sample, the one with the highest {@link #priority()} wins (ties: the first
 * configured), and it alone speaks for the rules it names: a rule that some decision names never signals on its
 * own, so a matrix row can say "scale up" for a pair, "do nothing" ({@link Action#HOLD}) for another, and a
 * "scale up only" row is a decision with {@link Action#UP} and no row that scales the same condition down.
 * A winning {@code UP} or {@code DOWN} decision signals like a rule (kind {@link ScalingSignal.Kind#DECISION}, at
 * the highest level among its {@code when} rules): once when it starts winning, again every {@link #cooldown()},
 * held back by vetoes and by the service's {@link ServiceBounds}. Immutable.
 *
 * <pre>{@code
 * ScalingDecision.builder("traffic-and-latency").service("app")
 *     .when("task-queue-high", "p95-latency-high").action(ScalingDecision.Action.UP).priority(10).build()
 * }</pre>
 */
public final class ScalingDecision {
  /** What a winning decision does. */
  public enum Action {
    /** Signal a scale-up. */
    UP,
    /** Signal a scale-down. */
    DOWN,
    /** Signal nothing: the rules it names stay quiet while it wins. */
    HOLD;

    /** The lower-case name used in files and tags. */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    ScaleDirection direction() {
      return this == UP ? ScaleDirection.UP : this == DOWN ? ScaleDirection.DOWN : null;
    }
  }

  private final String name;
  private final String service;
  private final List<String> when;
  private final List<String> unless;
  private final Action action;
  private final int priority;
  private final Duration cooldown;

  private ScalingDecision(Builder b) {
    this.name = b.name;
    this.service = b.service;
    this.when = List.copyOf(b.when);
    this.unless = List.copyOf(b.unless);
    this.action = b.action;
    this.priority = b.priority;
    this.cooldown = b.cooldown;
  }

  /** A builder for the decision named {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The decision's name, unique among rules, vetoes, schedules and decisions. */
  public String name() {
    return name;
  }

  /** The service it decides for; every rule it names must scale this service. */
  public String service() {
    return service;
  }

  /** The rules that must all fire. */
  public List<String> when() {
    return when;
  }

  /** The rules none of which may fire. */
  public List<String> unless() {
    return unless;
  }

  /** What it does when it wins. */
  public Action action() {
    return action;
  }

  /** Higher wins among the decisions of a service that match. */
  public int priority() {
    return priority;
  }

  /** The least time between two of its signals while it keeps winning; 0: signal once per episode. */
  public Duration cooldown() {
    return cooldown;
  }

  @Override
  public String toString() {
    return "ScalingDecision{" + name + ": " + String.join(" + ", when)
        + (unless.isEmpty() ? "" : " unless " + String.join(", ", unless)) + " -> " + service + " " + action.tag()
        + (priority == 0 ? "" : ", priority " + priority) + (cooldown.isZero() ? "" : ", cooldown " + cooldown) + '}';
  }

  /** Builds a {@link ScalingDecision}; {@link #build()} validates and names any bad setting. */
  public static final class Builder {
    private final String name;
    private String service;
    private final List<String> when = new ArrayList<>();
    private final List<String> unless = new ArrayList<>();
    private Action action;
    private int priority;
    private Duration cooldown = Duration.ZERO;

    private Builder(String name) {
      this.name = name;
    }

    /** The service to decide for. Required. */
    public Builder service(String value) {
      this.service = value;
      return this;
    }

    /** Adds rules that must all fire (at least one in all). */
    public Builder when(String... rules) {
      when.addAll(Arrays.asList(rules));
      return this;
    }

    /** Adds rules none of which may fire. */
    public Builder unless(String... rules) {
      unless.addAll(Arrays.asList(rules));
      return this;
    }

    /** What to do when this decision wins. Required. */
    public Builder action(Action value) {
      this.action = Objects.requireNonNull(value, "action");
      return this;
    }

    /** Higher wins; default 0. */
    public Builder priority(int value) {
      this.priority = value;
      return this;
    }

    /** The least time between two signals while it keeps winning; default 0 (once per episode). */
    public Builder cooldown(Duration value) {
      this.cooldown = value;
      return this;
    }

    /** Validates and builds. */
    public ScalingDecision build() {
      Checks.plain().nonBlank("decision name", name);
      Checks checks = Checks.in("decision '" + name + "'");
      checks.nonBlank("service", service);
      checks.required("action", action);
      checks.notEmpty("when", when, "rule");
      for (String rule : when) {
        checks.nonBlank("when", rule);
      }
      for (String rule : unless) {
        checks.nonBlank("unless", rule);
        if (when.contains(rule)) {
          throw checks.invalid("unless", rule, "must not also be in 'when'");
        }
      }
      checks.nonNegative("cooldown", cooldown);
      return new ScalingDecision(this);
    }
  }
}
