package dev.headroom.scaling;

import dev.headroom.core.Checks;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A wall-clock window with a replica target: "01:00–06:00 → scale the backend down to 1 replica". When the window
 * starts (or at the advisor's first sample inside it), the {@link ScalingAdvisor} sends one {@link ScalingSignal}
 * of kind {@link ScalingSignal.Kind#SCHEDULE}
 * (severity INFO) with {@link ScalingSignal#targetReplicas()}; while it lasts, the state lists it as active so a
 * listener can hold the bound. Vetoes apply to it like to any signal. Immutable; build one with {@link #builder}.
 *
 * <p>The window is {@code [from, to)} in the schedule's zone (default: the advisor's). When {@code to} is not after
 * {@code from} it runs past midnight, and the day that counts is the day it started: a Friday 22:00–06:00 window is
 * active early on Saturday.
 */
public final class ScalingSchedule {
  private final String name;
  private final String service;
  private final LocalTime from;
  private final LocalTime to;
  private final Set<DayOfWeek> days;
  private final ZoneId zone;
  private final ScaleDirection direction;
  private final int replicas;

  private ScalingSchedule(Builder b) {
    this.name = b.name;
    this.service = b.service;
    this.from = b.from;
    this.to = b.to;
    this.days = b.days.isEmpty() ? Set.copyOf(EnumSet.allOf(DayOfWeek.class)) : Set.copyOf(b.days);
    this.zone = b.zone;
    this.direction = b.direction;
    this.replicas = b.replicas;
  }

  /** A builder for a schedule named {@code name} (unique within a {@link ScalingConfig}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The schedule's name. */
  public String name() {
    return name;
  }

  /** The service it scales. */
  public String service() {
    return service;
  }

  /** The start of the window (inclusive). */
  public LocalTime from() {
    return from;
  }

  /** The end of the window (exclusive); not after {@link #from()} for a window past midnight. */
  public LocalTime to() {
    return to;
  }

  /** The days on which the window starts (all days unless limited). */
  public Set<DayOfWeek> days() {
    return days;
  }

  /** The zone of the window, if set; otherwise the advisor's zone applies. */
  public Optional<ZoneId> zone() {
    return Optional.ofNullable(zone);
  }

  /** Which way the schedule scales the service. */
  public ScaleDirection direction() {
    return direction;
  }

  /** The replica count the schedule asks for. */
  public int replicas() {
    return replicas;
  }

  /** True if the wall-clock time {@code at} (already in the right zone) falls inside the window. */
  public boolean isActiveAt(ZonedDateTime at) {
    LocalTime time = at.toLocalTime();
    if (from.isBefore(to)) {
      return !time.isBefore(from) && time.isBefore(to) && days.contains(at.getDayOfWeek());
    }
    if (!time.isBefore(from)) {
      return days.contains(at.getDayOfWeek());
    }
    return time.isBefore(to) && days.contains(at.getDayOfWeek().minus(1));
  }

  /** When the window that contains {@code at} opened (only meaningful while {@link #isActiveAt} holds). */
  ZonedDateTime windowStart(ZonedDateTime at) {
    ZonedDateTime start = at.with(from).withSecond(from.getSecond()).withNano(from.getNano());
    return at.toLocalTime().isBefore(from) ? start.minusDays(1) : start;
  }

  @Override
  public String toString() {
    return "ScalingSchedule{" + name + ": " + from + "-" + to + (days.size() == 7 ? "" : " on " + days)
        + (zone == null ? "" : " " + zone) + " -> " + service + " " + direction.tag() + " to " + replicas + '}';
  }

  /** Builds a {@link ScalingSchedule}. */
  public static final class Builder {
    private final String name;
    private String service;
    private LocalTime from;
    private LocalTime to;
    private final Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    private ZoneId zone;
    private ScaleDirection direction;
    private int replicas = -1;

    private Builder(String name) {
      this.name = name;
    }

    /** The service to scale. Required. */
    public Builder service(String value) {
      this.service = value;
      return this;
    }

    /** The window, {@code [from, to)}; past midnight when {@code to} is not after {@code from}. Required. */
    public Builder between(LocalTime fromTime, LocalTime toTime) {
      this.from = Objects.requireNonNull(fromTime, "from");
      this.to = Objects.requireNonNull(toTime, "to");
      return this;
    }

    /** Limits the window to starting on these days; default every day. */
    public Builder days(DayOfWeek... values) {
      days.addAll(java.util.List.of(values));
      return this;
    }

    /** The zone the window is in; default the advisor's zone. */
    public Builder zone(ZoneId value) {
      this.zone = Objects.requireNonNull(value, "zone");
      return this;
    }

    /** Scale down to {@code count} replicas when the window starts ("off-peak → minimum replicas"). */
    public Builder scaleDownTo(int count) {
      this.direction = ScaleDirection.DOWN;
      this.replicas = count;
      return this;
    }

    /** Scale up to {@code count} replicas when the window starts (a peak-hours floor). */
    public Builder scaleUpTo(int count) {
      this.direction = ScaleDirection.UP;
      this.replicas = count;
      return this;
    }

    /** Validates and builds. */
    public ScalingSchedule build() {
      Checks.plain().nonBlank("schedule name", name);
      Checks schedule = Checks.in("schedule '" + name + "'");
      schedule.nonBlank("service", service);
      schedule.required("from/to", from);
      if (from.equals(to)) {
        throw schedule.invalid("to", to, "must differ from 'from' (" + from + ")");
      }
      schedule.required("direction and replicas (scaleDownTo/scaleUpTo)", direction);
      schedule.atLeast("replicas", replicas, 0);
      return new ScalingSchedule(this);
    }
  }
}
