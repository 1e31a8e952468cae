package dev.headroom.scaling.hpa;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The Kubernetes HPA v2 controller's decision for one autoscaler, reimplemented in-process
 * ({@code horizontal.go} and {@code replica_calculator.go}): given the current replica count and the metrics, the
 * replica count an HPA would set. It keeps what the controller keeps between reconciles (recommendations and scale
 * events) and reads time from a {@link Ticker}, so the same metric series gives the same numbers as an HPA.
 *
 * <p>One reconcile: if the current count is 0 while {@code minReplicas} is not, scaling is off; above
 * {@code maxReplicas} or below {@code minReplicas} it returns the bound. Otherwise each metric proposes a count
 * ({@link ReplicaCalculator}) and the largest wins; if every metric failed, or some failed and the rest would scale
 * down, nothing changes. Then, without a behavior (the legacy path), the largest recommendation of the downscale
 * stabilization window is taken and clamped to {@code [minReplicas, min(maxReplicas, max(2 × current, 4))]}. With
 * a behavior, the lowest recommendation of the scale-up window and the highest of the scale-down window bound the
 * current count, and the rate policies limit the change: each policy allows, from the replica count at the start
 * of its period (the current count minus the replicas added plus the replicas removed within the period), a number
 * of pods or a percentage (rounded up when adding, down when removing); {@code selectPolicy} picks the largest or
 * smallest change, or none. Scale events are recorded as if the decision were applied.
 *
 * <p>Thread-safe (one reconcile at a time). The metric value retrieval, pod listing and readiness grouping of a
 * real cluster are the caller's: see {@link MetricInput} and {@link PodSample}.
 */
public final class HorizontalPodAutoscaler {
  private final HpaSpec spec;
  private final Ticker ticker;
  private final ScaleHistory history = new ScaleHistory();

  private HorizontalPodAutoscaler(HpaSpec spec, Ticker ticker) {
    this.spec = spec;
    this.ticker = ticker;
  }

  /** An autoscaler for {@code spec}, reading time from {@code ticker}. */
  public static HorizontalPodAutoscaler create(HpaSpec spec, Ticker ticker) {
    return new HorizontalPodAutoscaler(Objects.requireNonNull(spec, "spec"), Objects.requireNonNull(ticker, "ticker"));
  }

  /** The spec. */
  public HpaSpec spec() {
    return spec;
  }

  /** The decision for {@code currentReplicas} and one input per entry of the HPA's metrics list. */
  public synchronized HpaDecision reconcile(int currentReplicas, List<MetricInput> metrics) {
    Checks.plain().atLeast("currentReplicas", currentReplicas, 0);
    Checks.plain().notEmpty("metrics", metrics, "metric");
    long now = ticker.read();
    history.recordInitial(currentReplicas, now);
    int min = spec.minReplicas();
    int max = spec.maxReplicas();
    if (currentReplicas == 0 && min != 0) {
      return new HpaDecision(0, 0, -1, "", "ScalingDisabled", "", "");
    }
    HpaDecision decision;
    if (currentReplicas > max) {
      decision = new HpaDecision(currentReplicas, max, -1, "", "", "TooManyReplicas", "");
    } else if (currentReplicas < min) {
      decision = new HpaDecision(currentReplicas, min, -1, "", "", "TooFewReplicas", "");
    } else {
      decision = fromMetrics(currentReplicas, metrics, now);
      if (decision.failed()) {
        return decision;
      }
    }
    if (decision.rescale() && spec.behavior().isPresent()) {
      HpaBehavior b = spec.behavior().get();
      history.storeScaleEvent(b.resolveUp(), b.resolveDown(spec.downscaleStabilization()), currentReplicas,
          decision.desiredReplicas(), now);
    }
    return decision;
  }

  /**
   * Adds a past recommendation, {@code ago} before now, as the controller would have recorded it (to restore
   * state, or to reproduce a Kubernetes test case).
   */
  public synchronized void recordRecommendation(int replicas, Duration ago) {
    history.addRecommendation(replicas, ticker.read() - ago.toNanos());
  }

  /** Adds a past scale event from {@code fromReplicas} to {@code toReplicas}, {@code ago} before now. */
  public synchronized void recordScaleEvent(int fromReplicas, int toReplicas, Duration ago) {
    if (fromReplicas == toReplicas) {
      throw new ConfigException("scale event", fromReplicas + "->" + toReplicas, "must change the replica count");
    }
    history.addEvent(fromReplicas, toReplicas, ticker.read() - ago.toNanos());
  }

  private HpaDecision fromMetrics(int current, List<MetricInput> metrics, long now) {
    Tolerances tolerances = spec.tolerances();
    int replicas = 0;
    String metric = "";
    int invalid = 0;
    String firstError = "";
    for (MetricInput input : metrics) {
      MetricProposal p = ReplicaCalculator.propose(current, input, tolerances);
      if (!p.valid()) {
        if (invalid == 0) {
          firstError = p.metric() + ": " + p.error();
        }
        invalid++;
        continue;
      }
      if (replicas == 0 || p.replicas() > replicas) {
        replicas = p.replicas();
        metric = p.metric();
      }
    }
    if (invalid >= metrics.size() || (invalid > 0 && replicas < current)) {
      return new HpaDecision(current, current, -1, "", "", "",
          "invalid metrics (" + invalid + " invalid out of " + metrics.size() + "), first error is: " + firstError);
    }
    int desired = Math.max(0, replicas);
    return spec.behavior().isEmpty() ? legacy(current, desired, replicas, metric, now)
        : withBehavior(spec.behavior().get(), current, desired, replicas, metric, now);
  }

  private HpaDecision legacy(int current, int prenormalized, int metricReplicas, String metric, long now) {
    int stabilized = history.stabilizeLegacy(prenormalized, now, spec.downscaleStabilization().toNanos());
    String able = stabilized != prenormalized ? "ScaleDownStabilized" : "ReadyForNewScale";
    int min = spec.minReplicas();
    int scaleUpLimit = (int) Math.max(2.0 * current, 4.0);
    int maxAllowed;
    String limited;
    if (spec.maxReplicas() > scaleUpLimit) {
      maxAllowed = scaleUpLimit;
      limited = "ScaleUpLimit";
    } else {
      maxAllowed = spec.maxReplicas();
      limited = "TooManyReplicas";
    }
    int desired;
    if (stabilized < min) {
      desired = min;
      limited = "TooFewReplicas";
    } else if (stabilized > maxAllowed) {
      desired = maxAllowed;
    } else {
      desired = stabilized;
      limited = "DesiredWithinRange";
    }
    return new HpaDecision(current, desired, metricReplicas, metric, able, limited, "");
  }

  private HpaDecision withBehavior(HpaBehavior behavior, int current, int prenormalized, int metricReplicas,
      String metric, long now) {
    HpaBehavior.Resolved up = behavior.resolveUp();
    HpaBehavior.Resolved down = behavior.resolveDown(spec.downscaleStabilization());
    int stabilized = history.stabilizeWithBehavior(prenormalized, current, now, up.windowNanos(), down.windowNanos());
    String able = stabilized == prenormalized ? "ReadyForNewScale"
        : prenormalized >= current ? "ScaleUpStabilized" : "ScaleDownStabilized";
    int desired = stabilized;
    String limited = "DesiredWithinRange";
    if (stabilized > current) {
      int limit = Math.max(upLimit(current, up, now), current);
      int maxAllowed = spec.maxReplicas();
      String reason = "TooManyReplicas";
      if (maxAllowed > limit) {
        maxAllowed = limit;
        reason = "ScaleUpLimit";
      }
      if (stabilized > maxAllowed) {
        desired = maxAllowed;
        limited = reason;
      }
    } else if (stabilized < current) {
      int limit = Math.min(downLimit(current, down, now), current);
      int minAllowed = spec.minReplicas();
      String reason = "TooFewReplicas";
      if (minAllowed < limit) {
        minAllowed = limit;
        reason = "ScaleDownLimit";
      }
      if (stabilized < minAllowed) {
        desired = minAllowed;
        limited = reason;
      }
    }
    return new HpaDecision(current, desired, metricReplicas, metric, able, limited, "");
  }

  /** {@code calculateScaleUpLimitWithScalingRules}. */
  private int upLimit(int current, HpaBehavior.Resolved rules, long now) {
    if (rules.select() == SelectPolicy.DISABLED) {
      return current;
    }
    boolean pickMin = rules.select() == SelectPolicy.MIN;
    long result = pickMin ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    for (ScalingPolicy policy : rules.policies()) {
      long periodStart = periodStart(current, policy, now);
      long proposed = policy.type() == ScalingPolicy.Type.PODS ? periodStart + policy.value()
          : ReplicaCalculator.ceil(periodStart * (1 + policy.value() / 100.0));
      result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return (int) result;
  }

  /** {@code calculateScaleDownLimitWithBehaviors}. */
  private int downLimit(int current, HpaBehavior.Resolved rules, long now) {
    if (rules.select() == SelectPolicy.DISABLED) {
      return current;
    }
    boolean pickMin = rules.select() == SelectPolicy.MIN; // the smallest change: the highest count
    long result = pickMin ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    for (ScalingPolicy policy : rules.policies()) {
      long periodStart = periodStart(current, policy, now);
      long proposed = policy.type() == ScalingPolicy.Type.PODS ? periodStart - policy.value()
          : (long) (periodStart * (1 - policy.value() / 100.0));
      result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return (int) result;
  }

  private long periodStart(int current, ScalingPolicy policy, long now) {
    long period = policy.period().toNanos();
    return current - history.addedInPeriod(period, now) + history.removedInPeriod(period, now);
  }

  @Override
  public String toString() {
    return "HorizontalPodAutoscaler{" + spec + '}';
  }
}
