package dev.headroom.scaling;

import java.time.Instant;

/** Whether one {@link VetoRule} is active. Called under the advisor's lock. */
final class VetoEvaluator {
  final VetoRule veto;
  private final LevelTracker tracker;
  private final long forNanos;
  private double value = Double.NaN;
  volatile boolean active;

  VetoEvaluator(VetoRule veto) {
    this.veto = veto;
    this.tracker = new LevelTracker(veto.comparison(), veto.threshold(), veto.hysteresis());
    this.forNanos = veto.forDuration().toNanos();
  }

  void evaluate(double sample, long now) {
    value = sample;
    tracker.update(sample, now);
    active = tracker.heldFor(now, forNanos);
  }

  boolean blocks(String service, ScaleDirection direction) {
    return active && veto.blocks() == direction && veto.appliesTo(service);
  }

  VetoStatus status(long now, Instant wallNow) {
    return new VetoStatus(veto.name(), veto.blocks(), active, value,
        active ? RuleEvaluator.wall(wallNow, now, tracker.since() + forNanos) : Instant.MIN);
  }
}
