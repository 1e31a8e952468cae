package dev.headroom.scaling;

import dev.headroom.core.Checks;
import java.util.Objects;

/**
 * The replica range of one service and how far one signal moves it: a rule or decision signal for the service
 * carries {@link ScalingSignal#targetReplicas()} = the current count plus or minus one step, clamped to
 * {@code [min, max]}, and a signal that could not change the count (already at the bound) is held back
 * ({@code at-max-replicas}, {@code at-min-replicas}). Steps are a number of replicas or a percentage of the current
 * count (rounded up, at least one), as the HPA's {@code Pods} and {@code Percent} policies. Immutable.
 *
 * <pre>{@code
 * ServiceBounds.builder("app").replicas(2, 10).stepUp(2).stepDown(1).build()
 * }</pre>
 */
public final class ServiceBounds {
  private final String service;
  private final int min;
  private final int max;
  private final int stepUp;
  private final boolean stepUpPercent;
  private final int stepDown;
  private final boolean stepDownPercent;

  private ServiceBounds(Builder b) {
    this.service = b.service;
    this.min = b.min;
    this.max = b.max;
    this.stepUp = b.stepUp;
    this.stepUpPercent = b.stepUpPercent;
    this.stepDown = b.stepDown;
    this.stepDownPercent = b.stepDownPercent;
  }

  /** A builder for {@code service}'s bounds: 1 to {@link Integer#MAX_VALUE} replicas, steps of one. */
  public static Builder builder(String service) {
    return new Builder(service);
  }

  /** The service. */
  public String service() {
    return service;
  }

  /** The fewest replicas. */
  public int min() {
    return min;
  }

  /** The most replicas. */
  public int max() {
    return max;
  }

  /** {@code current} moved into {@code [min, max]}. */
  public int clamp(int current) {
    return Math.max(min, Math.min(max, current));
  }

  /** How many replicas one signal in {@code direction} adds or removes at {@code current} replicas (at least 1). */
  public int step(ScaleDirection direction, int current) {
    boolean up = direction == ScaleDirection.UP;
    int step = up ? stepUp : stepDown;
    if (up ? stepUpPercent : stepDownPercent) {
      return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ((long) current * step + 99) / 100));
    }
    return step;
  }

  /** The replica count one signal in {@code direction} asks for at {@code current} replicas, within the bounds. */
  public int target(ScaleDirection direction, int current) {
    long moved = direction == ScaleDirection.UP ? (long) current + step(direction, current)
        : (long) current - step(direction, current);
    return clamp((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, moved)));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServiceBounds b && service.equals(b.service) && min == b.min && max == b.max
        && stepUp == b.stepUp && stepUpPercent == b.stepUpPercent && stepDown == b.stepDown
        && stepDownPercent == b.stepDownPercent;
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, min, max, stepUp, stepDown);
  }

  @Override
  public String toString() {
    return "ServiceBounds{" + service + ": " + min + ".." + max + " replicas, up " + describe(stepUp, stepUpPercent)
        + ", down " + describe(stepDown, stepDownPercent) + '}';
  }

  private static String describe(int step, boolean percent) {
    return step + (percent ? "%" : "");
  }

  /** Builds a {@link ServiceBounds}; {@link #build()} validates and names any bad setting. */
  public static final class Builder {
    private final String service;
    private int min = 1;
    private int max = Integer.MAX_VALUE;
    private int stepUp = 1;
    private boolean stepUpPercent;
    private int stepDown = 1;
    private boolean stepDownPercent;

    private Builder(String service) {
      this.service = service;
    }

    /** The replica range; default 1 to {@link Integer#MAX_VALUE}. */
    public Builder replicas(int minReplicas, int maxReplicas) {
      this.min = minReplicas;
      this.max = maxReplicas;
      return this;
    }

    /** Replicas added by one scale-up signal; default 1. */
    public Builder stepUp(int replicas) {
      this.stepUp = replicas;
      this.stepUpPercent = false;
      return this;
    }

    /** Percent of the current replicas added by one scale-up signal (rounded up, at least one). */
    public Builder stepUpPercent(int percent) {
      this.stepUp = percent;
      this.stepUpPercent = true;
      return this;
    }

    /** Replicas removed by one scale-down signal; default 1. */
    public Builder stepDown(int replicas) {
      this.stepDown = replicas;
      this.stepDownPercent = false;
      return this;
    }

    /** Percent of the current replicas removed by one scale-down signal (rounded up, at least one). */
    public Builder stepDownPercent(int percent) {
      this.stepDown = percent;
      this.stepDownPercent = true;
      return this;
    }

    /** Validates and builds. */
    public ServiceBounds build() {
      Checks.plain().nonBlank("service", service);
      Checks checks = Checks.in("service '" + service + "'");
      checks.atLeast("minReplicas", min, 0);
      checks.atLeast("maxReplicas", max, Math.max(1, min));
      checks.atLeast("stepUp", stepUp, 1);
      checks.atLeast("stepDown", stepDown, 1);
      if (stepUpPercent && stepUp > 1000) {
        throw checks.invalid("stepUp", stepUp + "%", "must be at most 1000%");
      }
      if (stepDownPercent && stepDown > 100) {
        throw checks.invalid("stepDown", stepDown + "%", "must be at most 100%");
      }
      return new ServiceBounds(this);
    }
  }
}
