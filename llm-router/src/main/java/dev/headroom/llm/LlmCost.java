package dev.headroom.llm;

import dev.headroom.core.EndpointState;
import dev.headroom.core.pick.CostFunction;

/**
 * The cost of sending one more request to an Ollama node: the expected service time of a typical answer (time to
 * first token plus {@code expectedTokens} at the node's measured token rate), times how full the node is, inflated
 * by recent failures and, for a second after a "server busy" reply, by a cool-off factor; divided by its
 * weight. Before a node's first measured reply its core latency average
 * stands in (optimistic at first, so a new node gets tried). Model loading is added by {@link ModelSelector}.
 */
final class LlmCost implements CostFunction {
  /** How long a "server busy" reply makes a node less attractive (it is never ejected for it). */
  static final long BUSY_COOL_OFF_NANOS = 1_000_000_000L;
  private static final double BUSY_PENALTY = 10;

  private final NodeStats stats;
  private final int expectedTokens;

  LlmCost(NodeStats stats, int expectedTokens) {
    this.stats = stats;
    this.expectedTokens = expectedTokens;
  }

  @Override
  public double cost(EndpointState endpoint, long nowNanos) {
    double fill = 1 + (double) endpoint.fleetInFlight() / endpoint.limit();
    long sinceBusy = nowNanos - stats.lastBusy(endpoint.id());
    double busy = sinceBusy >= 0 && sinceBusy < BUSY_COOL_OFF_NANOS ? BUSY_PENALTY : 1;
    return serviceNanos(endpoint, nowNanos) * fill * busy * (1 + 4 * endpoint.failureRate(nowNanos))
        / endpoint.endpoint().weight();
  }

  /** The expected time to serve a typical answer on an idle slot of this node. */
  double serviceNanos(EndpointState endpoint, long nowNanos) {
    double ttft = stats.ttftNanos(endpoint.id());
    double rate = stats.tokensPerSecond(endpoint.id());
    if (ttft < 0 || rate <= 0) {
      return endpoint.latencyNanos(nowNanos);
    }
    return ttft + expectedTokens * 1e9 / rate;
  }

  @Override
  public String toString() {
    return "llmCost(expectedTokens=" + expectedTokens + ")";
  }
}
