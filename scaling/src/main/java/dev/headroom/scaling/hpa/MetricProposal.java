package dev.headroom.scaling.hpa;

/**
 * The replica count one metric asks for, or why it could not be computed.
 *
 * @param metric the metric's name
 * @param replicas the proposal (0 when {@link #valid()} is false)
 * @param usage the current usage as the HPA reports it (utilization percentage, or milli-value)
 * @param error empty when valid, else the reason
 */
record MetricProposal(String metric, int replicas, long usage, String error) {

  /** True when the metric gave a proposal. */
  public boolean valid() {
    return error.isEmpty();
  }

  static MetricProposal of(String metric, int replicas, long usage) {
    return new MetricProposal(metric, replicas, usage, "");
  }

  static MetricProposal failed(String metric, String error) {
    return new MetricProposal(metric, 0, 0, error);
  }
}
