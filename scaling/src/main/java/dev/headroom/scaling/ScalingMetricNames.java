package dev.headroom.scaling;

/**
 * The names of the meters a {@link ScalingAdvisor} registers (unless told not to). In Prometheus they read
 * {@code headroom_scaling_rule_state}, {@code headroom_scaling_veto_active} and
 * {@code headroom_scaling_signals_total}.
 */
public final class ScalingMetricNames {
  /** Gauge per rule: 0 not firing, 1 firing at warning, 2 firing at critical. Tags service, rule, direction. */
  public static final String RULE_STATE = "headroom.scaling.rule.state";
  /** Gauge per veto: 1 while active. Tags veto, direction. */
  public static final String VETO_ACTIVE = "headroom.scaling.veto.active";
  /** Counter of signals sent. Tags service, rule, direction, severity. */
  public static final String SIGNALS = "headroom.scaling.signals";

  private ScalingMetricNames() {}
}
