package dev.headroom.scaling;

import java.time.Instant;
import java.time.ZoneId;
import java.util.function.BiFunction;

/** Whether one {@link ScalingSchedule}'s window is open; signals once when it opens. Under the advisor's lock. */
final class ScheduleEvaluator {
  final ScalingSchedule schedule;
  private final ZoneId zone;
  private boolean active;
  private boolean due;
  private Instant openedAt;

  ScheduleEvaluator(ScalingSchedule schedule, ZoneId defaultZone) {
    this.schedule = schedule;
    this.zone = schedule.zone().orElse(defaultZone);
  }

  ScalingSignal evaluate(Instant wallNow, BiFunction<String, ScaleDirection, String> holds) {
    java.time.ZonedDateTime local = wallNow.atZone(zone);
    boolean open = schedule.isActiveAt(local);
    if (open && !active) {
      due = true;
      openedAt = schedule.windowStart(local).toInstant();
    }
    active = open;
    if (!open) {
      due = false;
      return null;
    }
    if (!due || holds.apply(schedule.service(), schedule.direction()) != null) {
      return null;
    }
    due = false;
    return ScalingSignal.ofSchedule(schedule, openedAt, wallNow);
  }

  ScheduleStatus status() {
    return new ScheduleStatus(schedule.name(), schedule.service(), schedule.direction(), schedule.replicas(), active);
  }
}
