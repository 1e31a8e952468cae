package dev.headroom.scaling;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A recommendation from a {@link ScalingAdvisor}: scale {@link #service()} {@link #direction()}, because
 * {@link #rule()} has held since {@link #since()}. Immutable.
 */
public final class ScalingSignal {
  /** What produced a signal. */
  public enum Kind {
    /** A {@link ScalingRule} fired (or fires still, after its cooldown, or escalated). */
    RULE,
    /** A {@link ScalingSchedule} window started. */
    SCHEDULE
  }

  private final Kind kind;
  private final String service;
  private final ScaleDirection direction;
  private final Severity severity;
  private final String rule;
  private final String metric;
  private final double value;
  private final double threshold;
  private final Instant since;
  private final Instant at;
  private final int targetReplicas;

  private ScalingSignal(Kind kind, String service, ScaleDirection direction, Severity severity, String rule,
      String metric, double value, double threshold, Instant since, Instant at, int targetReplicas) {
    this.kind = kind;
    this.service = Objects.requireNonNull(service, "service");
    this.direction = Objects.requireNonNull(direction, "direction");
    this.severity = Objects.requireNonNull(severity, "severity");
    this.rule = Objects.requireNonNull(rule, "rule");
    this.metric = Objects.requireNonNull(metric, "metric");
    this.value = value;
    this.threshold = threshold;
    this.since = Objects.requireNonNull(since, "since");
    this.at = Objects.requireNonNull(at, "at");
    this.targetReplicas = targetReplicas;
  }

  static ScalingSignal ofRule(ScalingRule rule, Severity severity, double value, double threshold, Instant since,
      Instant at) {
    return new ScalingSignal(Kind.RULE, rule.service(), rule.direction(), severity, rule.name(),
        rule.metric().describe(), value, threshold, since, at, -1);
  }

  static ScalingSignal ofSchedule(ScalingSchedule schedule, Instant since, Instant at) {
    return new ScalingSignal(Kind.SCHEDULE, schedule.service(), schedule.direction(), Severity.INFO, schedule.name(),
        "schedule " + schedule.from() + "-" + schedule.to(), schedule.replicas(), schedule.replicas(), since, at,
        schedule.replicas());
  }

  /** Whether a rule or a schedule produced the signal. */
  public Kind kind() {
    return kind;
  }

  /** The service to scale. */
  public String service() {
    return service;
  }

  /** Which way to scale it. */
  public ScaleDirection direction() {
    return direction;
  }

  /** WARNING or CRITICAL for rules, INFO for schedules. */
  public Severity severity() {
    return severity;
  }

  /** The name of the rule or schedule. */
  public String rule() {
    return rule;
  }

  /** What the rule measured, e.g. {@code p95(http.server.requests)}. */
  public String metric() {
    return metric;
  }

  /** The measured value when the signal was made (the target replica count for a schedule). */
  public double value() {
    return value;
  }

  /** The threshold that was crossed (the target replica count for a schedule). */
  public double threshold() {
    return threshold;
  }

  /** Since when the condition has held (for a schedule: since its window started). */
  public Instant since() {
    return since;
  }

  /** When the signal was made. */
  public Instant at() {
    return at;
  }

  /** The replica count a schedule asks for; empty for rule signals. */
  public OptionalInt targetReplicas() {
    return targetReplicas < 0 ? OptionalInt.empty() : OptionalInt.of(targetReplicas);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScalingSignal s && kind == s.kind && service.equals(s.service) && direction == s.direction
        && severity == s.severity && rule.equals(s.rule) && metric.equals(s.metric)
        && Double.compare(value, s.value) == 0 && Double.compare(threshold, s.threshold) == 0
        && since.equals(s.since) && at.equals(s.at) && targetReplicas == s.targetReplicas;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, service, direction, severity, rule, value, since, at);
  }

  @Override
  public String toString() {
    return "ScalingSignal{" + service + " " + direction.tag() + " (" + severity.tag() + ") by " + rule + ": "
        + (kind == Kind.SCHEDULE ? "to " + targetReplicas + " replicas"
            : metric + " = " + value + " vs " + threshold) + ", since " + since + ", at " + at + '}';
  }
}
