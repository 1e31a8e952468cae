package dev.headroom.scaling;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/** Where one {@link ScalingRule} stands at the last sample, for a health or info endpoint. Immutable. */
public final class RuleStatus {
  /** A rule's phase. */
  public enum Phase {
    /** No threshold holds. */
    OK,
    /** A threshold holds, but not yet for the rule's "for" duration. */
    PENDING,
    /** A threshold has held for the rule's "for" duration. */
    FIRING
  }

  private final String rule;
  private final String service;
  private final ScaleDirection direction;
  private final Phase phase;
  private final Severity severity;
  private final double value;
  private final Instant since;
  private final Instant lastSignal;
  private final String heldBackBy;

  RuleStatus(String rule, String service, ScaleDirection direction, Phase phase, Severity severity, double value,
      Instant since, Instant lastSignal, String heldBackBy) {
    this.rule = rule;
    this.service = service;
    this.direction = direction;
    this.phase = phase;
    this.severity = severity;
    this.value = value;
    this.since = since;
    this.lastSignal = lastSignal;
    this.heldBackBy = heldBackBy;
  }

  /** The rule's name. */
  public String rule() {
    return rule;
  }

  /** The service it scales. */
  public String service() {
    return service;
  }

  /** Which way it scales. */
  public ScaleDirection direction() {
    return direction;
  }

  /** OK, PENDING or FIRING. */
  public Phase phase() {
    return phase;
  }

  /** True when {@link #phase()} is FIRING. */
  public boolean firing() {
    return phase == Phase.FIRING;
  }

  /** The level it fires at (or is pending at). */
  public Optional<Severity> severity() {
    return Optional.ofNullable(severity);
  }

  /** The metric's value at the last sample; empty when it had none. */
  public OptionalDouble value() {
    return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /** Since when the current level has held. */
  public Optional<Instant> since() {
    return Optional.ofNullable(since);
  }

  /** When the rule last sent a signal. */
  public Optional<Instant> lastSignal() {
    return Optional.ofNullable(lastSignal);
  }

  /** Why a due signal is held back: {@code cooldown} or {@code veto:<name>}. */
  public Optional<String> heldBackBy() {
    return Optional.ofNullable(heldBackBy);
  }

  /** A JSON-friendly map (strings and numbers) for an info endpoint. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rule", rule);
    out.put("service", service);
    out.put("direction", direction.tag());
    out.put("phase", phase.name());
    severity().ifPresent(s -> out.put("severity", s.tag()));
    value().ifPresent(v -> out.put("value", v));
    since().ifPresent(s -> out.put("since", s.toString()));
    lastSignal().ifPresent(s -> out.put("lastSignal", s.toString()));
    heldBackBy().ifPresent(s -> out.put("heldBackBy", s));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuleStatus r && rule.equals(r.rule) && phase == r.phase && severity == r.severity
        && Double.compare(value, r.value) == 0 && Objects.equals(since, r.since)
        && Objects.equals(lastSignal, r.lastSignal) && Objects.equals(heldBackBy, r.heldBackBy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rule, phase, severity, value, since);
  }

  @Override
  public String toString() {
    return "RuleStatus" + toMap();
  }
}
