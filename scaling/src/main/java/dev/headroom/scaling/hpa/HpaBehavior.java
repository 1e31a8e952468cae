package dev.headroom.scaling.hpa;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An HPA's {@code behavior}: scale-up and scale-down rules. A direction left unset takes Kubernetes's defaults
 * (see {@link HpaScalingRules}). Immutable.
 */
public final class HpaBehavior {
  static final List<ScalingPolicy> DEFAULT_UP_POLICIES = List.of(
      ScalingPolicy.pods(4, Duration.ofSeconds(15)), ScalingPolicy.percent(100, Duration.ofSeconds(15)));
  static final List<ScalingPolicy> DEFAULT_DOWN_POLICIES = List.of(ScalingPolicy.percent(100, Duration.ofSeconds(15)));

  private final HpaScalingRules scaleUp;
  private final HpaScalingRules scaleDown;

  private HpaBehavior(HpaScalingRules scaleUp, HpaScalingRules scaleDown) {
    this.scaleUp = scaleUp;
    this.scaleDown = scaleDown;
  }

  /** A behavior with both directions at their defaults (unlike no behavior at all, which is the legacy path). */
  public static HpaBehavior defaults() {
    return new HpaBehavior(null, null);
  }

  /** A behavior with the given rules; null for a direction means its defaults. */
  public static HpaBehavior of(HpaScalingRules scaleUp, HpaScalingRules scaleDown) {
    return new HpaBehavior(scaleUp, scaleDown);
  }

  /** Only scale-up rules; scale-down at its defaults. */
  public static HpaBehavior scaleUp(HpaScalingRules rules) {
    return new HpaBehavior(rules, null);
  }

  /** Only scale-down rules; scale-up at its defaults. */
  public static HpaBehavior scaleDown(HpaScalingRules rules) {
    return new HpaBehavior(null, rules);
  }

  /** The scale-up rules as given. */
  public Optional<HpaScalingRules> scaleUpRules() {
    return Optional.ofNullable(scaleUp);
  }

  /** The scale-down rules as given. */
  public Optional<HpaScalingRules> scaleDownRules() {
    return Optional.ofNullable(scaleDown);
  }

  Resolved resolveUp() {
    return resolve(scaleUp, Duration.ZERO, DEFAULT_UP_POLICIES);
  }

  Resolved resolveDown(Duration controllerDefaultWindow) {
    return resolve(scaleDown, controllerDefaultWindow, DEFAULT_DOWN_POLICIES);
  }

  private static Resolved resolve(HpaScalingRules rules, Duration window, List<ScalingPolicy> policies) {
    if (rules == null) {
      return new Resolved(window.toNanos(), SelectPolicy.MAX, policies, Double.NaN);
    }
    return new Resolved(rules.stabilizationWindow().orElse(window).toNanos(),
        rules.selectPolicy().orElse(SelectPolicy.MAX), rules.policies().orElse(policies),
        rules.tolerance().orElse(Double.NaN));
  }

  @Override
  public String toString() {
    return "HpaBehavior{scaleUp=" + (scaleUp == null ? "defaults" : scaleUp) + ", scaleDown="
        + (scaleDown == null ? "defaults" : scaleDown) + '}';
  }

  /** One direction with every default applied. */
  record Resolved(long windowNanos, SelectPolicy select, List<ScalingPolicy> policies, double tolerance) {
    long longestPeriodNanos() {
      long longest = 0;
      for (ScalingPolicy p : policies) {
        longest = Math.max(longest, p.period().toNanos());
      }
      return longest;
    }
  }
}
