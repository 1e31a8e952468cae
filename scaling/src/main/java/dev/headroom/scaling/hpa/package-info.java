/**
 * The Kubernetes HorizontalPodAutoscaler v2 algorithm, reimplemented in-process so that the same metric series gives
 * the same replica counts as an HPA ({@code horizontal.go}, {@code replica_calculator.go}): to predict, simulate or
 * test an HPA's behaviour before deploying it, against the meters Headroom records.
 *
 * <p><b>Why a port and not a model.</b> An HPA's outcome hinges on details that an approximation gets wrong: the
 * integer utilization percentage, the inclusive tolerance band checked before the {@code ceil}, how pods with missing
 * metrics or unready pods count (differently on a scale-up and a scale-down), the recommendations kept for the
 * stabilization windows, the rate policies measured from the replica count at the start of each period, and the
 * legacy path without a {@code behavior}. Each is reproduced as the controller has it, and the tests pin the
 * controller's own cases.
 *
 * <p><b>Shape.</b> {@link dev.headroom.scaling.hpa.HpaSpec} (with {@link dev.headroom.scaling.hpa.HpaBehavior},
 * {@link dev.headroom.scaling.hpa.HpaScalingRules}, {@link dev.headroom.scaling.hpa.ScalingPolicy}) is the
 * immutable spec; {@link dev.headroom.scaling.hpa.HorizontalPodAutoscaler} keeps what the controller keeps between
 * reconciles (recommendations and scale events, in the package-private {@code ScaleHistory}) and reads time from a
 * {@code Ticker}, so virtual time gives exact windows; the package-private {@code ReplicaCalculator} is the
 * stateless per-metric step. Metric retrieval, pod listing and readiness are the caller's: it passes
 * {@link dev.headroom.scaling.hpa.MetricInput}s and {@link dev.headroom.scaling.hpa.PodSample}s, in milli-units as
 * Kubernetes keeps quantities.
 */
package dev.headroom.scaling.hpa;
