package dev.headroom.scaling.hpa;

import dev.headroom.core.Checks;
import java.util.List;

/**
 * One entry of an HPA's {@code metrics} list together with what the metrics APIs returned for it at this
 * reconcile: the four source types of {@code autoscaling/v2}, plus {@link Unavailable} for a metric that could not
 * be fetched (which the HPA treats as invalid).
 */
public sealed interface MetricInput
    permits MetricInput.Resource, MetricInput.Pods, MetricInput.ObjectMetric, MetricInput.External,
    MetricInput.Unavailable {

  /** The metric's name, as the decision reports it. */
  String name();

  /**
   * A {@code Resource} metric ({@code cpu}, {@code memory}) with a {@code Utilization} or {@code AverageValue}
   * target. Only {@code cpu} sets {@link PodSample.State#NOT_READY} pods aside, as Kubernetes does.
   *
   * @param name the resource name
   * @param target UTILIZATION or AVERAGE_VALUE
   * @param pods every pod the HPA's selector matches
   */
  record Resource(String name, Target target, List<PodSample> pods) implements MetricInput {
    /** Validates. */
    public Resource {
      requireName(name);
      if (target == null || target.type() == Target.Type.VALUE) {
        throw Checks.in("resource metric '" + name + "'")
            .invalid("target", target, "must be Utilization or AverageValue");
      }
      pods = List.copyOf(pods);
    }
  }

  /**
   * A {@code Pods} metric (a custom metric per pod) with an {@code AverageValue} target.
   *
   * @param name the metric name
   * @param target AVERAGE_VALUE
   * @param pods every pod the HPA's selector matches, with their values
   */
  record Pods(String name, Target target, List<PodSample> pods) implements MetricInput {
    /** Validates. */
    public Pods {
      requireName(name);
      if (target == null || target.type() != Target.Type.AVERAGE_VALUE) {
        throw Checks.in("pods metric '" + name + "'")
            .invalid("target", target, "must be AverageValue");
      }
      pods = List.copyOf(pods);
    }
  }

  /**
   * An {@code Object} metric (one value describing an object, such as a queue) with a {@code Value} or
   * {@code AverageValue} target.
   *
   * @param name the metric name
   * @param target VALUE or AVERAGE_VALUE
   * @param value the object's value, in milli-units
   * @param readyPods the ready pods of the target (a VALUE target scales from them)
   */
  record ObjectMetric(String name, Target target, long value, int readyPods) implements MetricInput {
    /** Validates. */
    public ObjectMetric {
      requireName(name);
      if (target == null || target.type() == Target.Type.UTILIZATION) {
        throw Checks.in("object metric '" + name + "'")
            .invalid("target", target, "must be Value or AverageValue");
      }
      requireReady(name, readyPods);
    }
  }

  /**
   * An {@code External} metric (values from outside the cluster, summed) with a {@code Value} or
   * {@code AverageValue} target. Headroom's queue depth reaches an HPA this way (see {@code docs/scaling.md}).
   *
   * @param name the metric name
   * @param target VALUE or AVERAGE_VALUE
   * @param values the series the external metrics API returned, in milli-units (summed)
   * @param readyPods the ready pods of the target (a VALUE target scales from them)
   */
  record External(String name, Target target, List<Long> values, int readyPods) implements MetricInput {
    /** Validates. */
    public External {
      requireName(name);
      if (target == null || target.type() == Target.Type.UTILIZATION) {
        throw Checks.in("external metric '" + name + "'")
            .invalid("target", target, "must be Value or AverageValue");
      }
      values = List.copyOf(values);
      requireReady(name, readyPods);
    }
  }

  /**
   * A metric whose value could not be fetched.
   *
   * @param name the metric name
   * @param reason why, for the decision's error
   */
  record Unavailable(String name, String reason) implements MetricInput {
    /** Validates. */
    public Unavailable {
      requireName(name);
      Checks.in("metric '" + name + "'").required("reason", reason);
    }
  }

  /** A resource metric over {@code pods}. */
  static Resource resource(String name, Target target, List<PodSample> pods) {
    return new Resource(name, target, pods);
  }

  /** A pods metric with an average-value target. */
  static Pods pods(String name, Target target, List<PodSample> pods) {
    return new Pods(name, target, pods);
  }

  /** An object metric. */
  static ObjectMetric object(String name, Target target, long valueMilli, int readyPods) {
    return new ObjectMetric(name, target, valueMilli, readyPods);
  }

  /** An external metric with one series. */
  static External external(String name, Target target, long valueMilli, int readyPods) {
    return new External(name, target, List.of(valueMilli), readyPods);
  }

  private static void requireName(String name) {
    Checks.plain().nonBlank("metric name", name);
  }

  private static void requireReady(String name, int readyPods) {
    Checks.in("metric '" + name + "'").atLeast("readyPods", readyPods, 0);
  }
}
