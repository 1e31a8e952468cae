package dev.headroom.scaling.hpa;

/**
 * The outcome of one {@link HorizontalPodAutoscaler#reconcile}: what an HPA controller would set the replica count
 * to, and why, with the reasons of its {@code AbleToScale} and {@code ScalingLimited} conditions.
 *
 * @param currentReplicas the replica count given
 * @param desiredReplicas the replica count the HPA would set (equal to the current one when it would not scale)
 * @param metricReplicas the largest proposal of the metrics, before stabilization and limits (-1 on error)
 * @param metric the metric that gave it (empty if none)
 * @param ableToScaleReason e.g. {@code ReadyForNewScale}, {@code ScaleUpStabilized}, {@code ScaleDownStabilized}
 * @param scalingLimitedReason e.g. {@code DesiredWithinRange}, {@code ScaleUpLimit}, {@code TooManyReplicas}
 * @param error empty, or why the metrics gave no usable proposal (then nothing changes)
 */
public record HpaDecision(int currentReplicas, int desiredReplicas, int metricReplicas, String metric,
    String ableToScaleReason, String scalingLimitedReason, String error) {

  /** True when the HPA would change the replica count. */
  public boolean rescale() {
    return desiredReplicas != currentReplicas;
  }

  /** True when the metrics failed and the HPA would not act. */
  public boolean failed() {
    return !error.isEmpty();
  }
}
