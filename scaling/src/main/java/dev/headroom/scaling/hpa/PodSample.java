package dev.headroom.scaling.hpa;

import dev.headroom.core.Checks;

/**
 * One pod as the HPA's replica calculator sees it: its state, its metric value if the metrics API returned one,
 * and (for resource metrics) its request. Values are milli-units (CPU in millicores, a custom metric of 2.5 is
 * 2500).
 *
 * @param pod the pod's name
 * @param state its state, as Kubernetes groups pods
 * @param hasMetric whether the metrics API returned a value for it
 * @param value the value (ignored without {@code hasMetric})
 * @param request the pod's request of the resource, for resource metrics (0 otherwise)
 */
public record PodSample(String pod, State state, boolean hasMetric, long value, long request) {

  /**
   * How Kubernetes groups a pod ({@code groupPods} in the controller).
   */
  public enum State {
    /** Running and counted. */
    READY,
    /**
     * Running but not ready: only the {@code cpu} resource metric sets such pods aside (Kubernetes decides this
     * from the readiness condition and {@code --horizontal-pod-autoscaler-cpu-initialization-period}; the caller
     * does it here); every other metric counts them as {@link #READY}.
     */
    NOT_READY,
    /** Phase Pending: set aside as unready for every metric. */
    PENDING,
    /** Being deleted, or phase Failed: ignored entirely. */
    IGNORED
  }

  /** Validates. */
  public PodSample {
    Checks.plain().nonBlank("pod name", pod);
    Checks checks = Checks.in("pod '" + pod + "'");
    checks.required("state", state);
    checks.atLeast("request", request, 0);
  }

  /** A ready pod with a metric value (custom and external metrics have no request). */
  public static PodSample ready(String pod, long value) {
    return new PodSample(pod, State.READY, true, value, 0);
  }

  /** A ready pod with a resource usage and request (millicores for CPU). */
  public static PodSample ready(String pod, long usage, long request) {
    return new PodSample(pod, State.READY, true, usage, request);
  }

  /** A running, not-ready pod with a metric value and request. */
  public static PodSample notReady(String pod, long usage, long request) {
    return new PodSample(pod, State.NOT_READY, true, usage, request);
  }

  /** A ready pod for which the metrics API returned nothing. */
  public static PodSample missing(String pod, long request) {
    return new PodSample(pod, State.READY, false, 0, request);
  }

  /** A pending pod. */
  public static PodSample pending(String pod, long request) {
    return new PodSample(pod, State.PENDING, false, 0, request);
  }

  /** A pod being deleted or failed. */
  public static PodSample ignored(String pod) {
    return new PodSample(pod, State.IGNORED, false, 0, 0);
  }
}
