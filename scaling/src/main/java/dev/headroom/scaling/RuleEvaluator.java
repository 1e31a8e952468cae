package dev.headroom.scaling;

import java.time.Instant;
import java.util.function.BiFunction;

/**
 * The state machine of one {@link ScalingRule}: levels with hysteresis, "for" durations, firing episodes,
 * cooldown and vetoes. Called under the advisor's lock.
 */
final class RuleEvaluator {
  final ScalingRule rule;
  private final LevelTracker warning;
  private final LevelTracker critical;
  private final long forNanos;
  private final long cooldownNanos;
  private Severity episode;
  private boolean due;
  private boolean escalationDue;
  private boolean signalled;
  private long lastSignal;
  private String heldBackBy;
  private double value = Double.NaN;
  volatile int level;

  RuleEvaluator(ScalingRule rule) {
    this.rule = rule;
    this.warning = new LevelTracker(rule.comparison(), rule.warning(), rule.hysteresis());
    this.critical = rule.critical().isPresent()
        ? new LevelTracker(rule.comparison(), rule.critical().getAsDouble(), rule.hysteresis()) : null;
    this.forNanos = rule.forDuration().toNanos();
    this.cooldownNanos = rule.cooldown().toNanos();
  }

  /**
   * Takes one sample. Returns the signal to send, or null.
   *
   * @param holds why a signal for (service, direction) is held back now ({@code veto:NAME}, {@code at-max-replicas},
   *     ...), or null
   */
  ScalingSignal evaluate(double sample, long now, Instant wallNow,
      BiFunction<String, ScaleDirection, String> holds) {
    value = sample;
    warning.update(sample, now);
    if (critical != null) {
      critical.update(sample, now);
    }
    Severity firing = critical != null && critical.heldFor(now, forNanos) ? Severity.CRITICAL
        : warning.heldFor(now, forNanos) ? Severity.WARNING : null;
    level = firing == null ? 0 : firing == Severity.CRITICAL ? 2 : 1;
    if (firing == null) {
      episode = null;
      due = false;
      escalationDue = false;
      heldBackBy = null;
      return null;
    }
    if (episode == null) {
      due = true;
    } else if (firing.compareTo(episode) > 0) {
      due = true;
      escalationDue = true;
    }
    episode = firing;
    boolean repeat = signalled && cooldownNanos > 0 && now - lastSignal >= cooldownNanos;
    if (!due && !repeat) {
      return null;
    }
    String hold = holds.apply(rule.service(), rule.direction());
    if (hold != null) {
      heldBackBy = hold;
      due = true;
      return null;
    }
    if (!escalationDue && signalled && now - lastSignal < cooldownNanos) {
      heldBackBy = "cooldown";
      due = true;
      return null;
    }
    due = false;
    escalationDue = false;
    heldBackBy = null;
    signalled = true;
    lastSignal = now;
    LevelTracker level = firing == Severity.CRITICAL ? critical : warning;
    return ScalingSignal.ofRule(rule, firing, sample, level.threshold(), wall(wallNow, now, level.since()), wallNow);
  }

  /** Whether the rule fires at the last sample. */
  boolean firing() {
    return episode != null;
  }

  /** The level it fires at, or null. */
  Severity severity() {
    return episode;
  }

  RuleStatus status(long now, Instant wallNow) {
    RuleStatus.Phase phase;
    Severity severity;
    LevelTracker current;
    if (episode != null) {
      phase = RuleStatus.Phase.FIRING;
      severity = episode;
      current = episode == Severity.CRITICAL ? critical : warning;
    } else if (warning.holding()) {
      phase = RuleStatus.Phase.PENDING;
      severity = critical != null && critical.holding() ? Severity.CRITICAL : Severity.WARNING;
      current = severity == Severity.CRITICAL ? critical : warning;
    } else {
      phase = RuleStatus.Phase.OK;
      severity = null;
      current = null;
    }
    return new RuleStatus(rule.name(), rule.service(), rule.direction(), phase, severity, value,
        current == null ? null : wall(wallNow, now, current.since()),
        signalled ? wall(wallNow, now, lastSignal) : null, heldBackBy);
  }

  static Instant wall(Instant wallNow, long now, long then) {
    return wallNow.minusNanos(now - then);
  }
}
