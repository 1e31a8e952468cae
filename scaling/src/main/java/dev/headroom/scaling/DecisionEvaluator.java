package dev.headroom.scaling;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One {@link ScalingDecision}: whether it matches the rules' states, and the episodes, cooldown and hold-backs of
 * its signals while it wins. Called under the advisor's lock, after the rules of the sample.
 */
final class DecisionEvaluator {
  final ScalingDecision decision;
  private final List<RuleEvaluator> when;
  private final List<RuleEvaluator> unless;
  private final long cooldownNanos;
  private boolean winning;
  private boolean due;
  private boolean signalled;
  private long since;
  private long lastSignal;
  private String heldBackBy;
  volatile int active;

  DecisionEvaluator(ScalingDecision decision, Map<String, RuleEvaluator> rules) {
    this.decision = decision;
    this.when = decision.when().stream().map(rules::get).toList();
    this.unless = decision.unless().stream().map(rules::get).toList();
    this.cooldownNanos = decision.cooldown().toNanos();
  }

  /** Whether every {@code when} rule fires and no {@code unless} rule does. */
  boolean matches() {
    return when.stream().allMatch(RuleEvaluator::firing) && unless.stream().noneMatch(RuleEvaluator::firing);
  }

  /** The highest level among the {@code when} rules. */
  private Severity severity() {
    Severity max = Severity.WARNING;
    for (RuleEvaluator r : when) {
      Severity s = r.severity();
      if (s != null && s.compareTo(max) > 0) {
        max = s;
      }
    }
    return max;
  }

  /**
   * Takes the sample's verdict: {@code wins} when this decision speaks for its service now. Returns the signal to
   * send, or null.
   */
  ScalingSignal evaluate(boolean wins, long now, Instant wallNow, BiFunction<String, ScaleDirection, String> holds) {
    active = wins ? 1 : 0;
    if (!wins) {
      winning = false;
      due = false;
      heldBackBy = null;
      return null;
    }
    if (!winning) {
      winning = true;
      due = true;
      since = now;
    }
    ScaleDirection direction = decision.action().direction();
    if (direction == null) { // HOLD: the rules stay quiet, nothing to send
      due = false;
      return null;
    }
    boolean repeat = signalled && cooldownNanos > 0 && now - lastSignal >= cooldownNanos;
    if (!due && !repeat) {
      return null;
    }
    String hold = holds.apply(decision.service(), direction);
    if (hold == null && signalled && now - lastSignal < cooldownNanos) {
      hold = "cooldown";
    }
    if (hold != null) {
      heldBackBy = hold;
      due = true;
      return null;
    }
    due = false;
    heldBackBy = null;
    signalled = true;
    lastSignal = now;
    return ScalingSignal.ofDecision(decision, severity(), RuleEvaluator.wall(wallNow, now, since), wallNow);
  }

  DecisionStatus status(long now, Instant wallNow) {
    return new DecisionStatus(decision.name(), decision.service(), decision.action(), winning,
        winning ? RuleEvaluator.wall(wallNow, now, since) : null,
        signalled ? RuleEvaluator.wall(wallNow, now, lastSignal) : null, heldBackBy);
  }
}
