package dev.headroom.scaling;

/**
 * The names of the meters a {@link ScalingAdvisor} registers (unless told not to). In Prometheus they read
 * {@code headroom_scaling_rule_state}, {@code headroom_scaling_veto_active},
 * {@code headroom_scaling_signals_total}, {@code headroom_scaling_decision_active} and
 * {@code headroom_scaling_replicas_desired}.
 */
public final class ScalingMetricNames {
  /** Gauge per rule: 0 not firing, 1 firing at warning, 2 firing at critical. Tags service, rule, direction. */
  public static final String RULE_STATE = "headroom.scaling.rule.state";
  /** Gauge per veto: 1 while active. Tags veto, direction. */
  public static final String VETO_ACTIVE = "headroom.scaling.veto.active";
  /** Counter of signals sent. Tags service, rule, direction, severity. */
  public static final String SIGNALS = "headroom.scaling.signals";
  /**
   * Gauge per decision: 1 while it wins for its service (its rules all fire and no decision of higher priority
   * matches). Tags service, decision, action.
   */
  public static final String DECISION_ACTIVE = "headroom.scaling.decision.active";
  /** Gauge per service with {@link ServiceBounds}: the target of its last rule or decision signal. Tag service. */
  public static final String DESIRED_REPLICAS = "headroom.scaling.replicas.desired";
  /**
   * Gauge of the replicas a service runs now, tag service: registered by the application and read by
   * {@link ReplicaCounts#fromGauge} (the default), or, with any other {@link ReplicaCounts}, registered by the advisor
   * for each service with bounds, from the count it read at its last sample.
   */
  public static final String CURRENT_REPLICAS = "headroom.scaling.replicas.current";
  /**
   * Timer of scaling lag: from a signal with a target to the first sample at which the service's current replica
   * count reached it (at or above for up, at or below for down). Tags service, direction. Needs current counts
   * ({@link ReplicaCounts}).
   */
  public static final String LAG = "headroom.scaling.lag";

  private ScalingMetricNames() {}
}
