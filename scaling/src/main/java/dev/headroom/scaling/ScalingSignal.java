package dev.headroom.scaling;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A recommendation from a {@link ScalingAdvisor}: scale {@link #service()} {@link #direction()} (to
 * {@link #targetReplicas()} when known), because {@link #rule()} has held since {@link #since()}. Immutable.
 */
public final class ScalingSignal {
  /** What produced a signal. */
  public enum Kind {
    /** A {@link ScalingRule} fired (or fires still, after its cooldown, or escalated). */
    RULE,
    /** A {@link ScalingSchedule} window started. */
    SCHEDULE,
    /** A {@link ScalingDecision} won for its service (or wins still, after its cooldown). */
    DECISION
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

  static ScalingSignal ofDecision(ScalingDecision decision, Severity severity, Instant since, Instant at) {
    return new ScalingSignal(Kind.DECISION, decision.service(), decision.action().direction(), severity,
        decision.name(), String.join(" + ", decision.when()), Double.NaN, Double.NaN, since, at, -1);
  }

  /** This signal with {@link #targetReplicas()} set to {@code replicas}. */
  ScalingSignal withTarget(int replicas) {
    return new ScalingSignal(kind, service, direction, severity, rule, metric, value, threshold, since, at,
        replicas);
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

  /** The name of the rule, schedule or decision. */
  public String rule() {
    return rule;
  }

  /**
   * What the rule measured, e.g. {@code p95(http.server.requests)}; for a decision, the rules it combines
   * ({@code task-queue-high + p95-latency-high}).
   */
  public String metric() {
    return metric;
  }

  /**
   * The measured value when the signal was made (the target replica count for a schedule, NaN for a decision).
   */
  public double value() {
    return value;
  }

  /** The threshold that was crossed (the target replica count for a schedule, NaN for a decision). */
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

  /**
   * The replica count asked for: a schedule's; for a rule or decision, the current count moved one step of the
   * service's {@link ServiceBounds} (empty without bounds, or when the current count is unknown, see
   * {@link ReplicaCounts}).
   */
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
            : kind == Kind.DECISION ? metric : metric + " = " + value + " vs " + threshold)
        + (kind != Kind.SCHEDULE && targetReplicas >= 0 ? ", to " + targetReplicas + " replicas" : "")
        + ", since " + since + ", at " + at + '}';
  }
}
