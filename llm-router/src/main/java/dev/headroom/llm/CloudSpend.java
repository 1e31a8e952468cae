package dev.headroom.llm;

/**
 * The spend step of a cloud call: reserves its estimated cost with the {@link SpendGuard} before sending (counting
 * a refusal), and settles it with the reply's usage afterwards (counting the spend).
 */
final class CloudSpend {
  private final SpendGuard guard;
  private final LlmMetrics metrics;

  CloudSpend(SpendGuard guard, LlmMetrics metrics) {
    this.guard = guard;
    this.metrics = metrics;
  }

  /** The answer length assumed for a request that sets no max tokens. */
  int assumedAnswerTokens() {
    return guard.assumedAnswerTokens();
  }

  /** Reserves the estimated cost of {@code request} on {@code model}. */
  SpendGuard.Reservation reserve(String model, ChatRequest request) {
    try {
      return guard.reserve(model, request);
    } catch (SpendLimitExceededException e) {
      metrics.refused(e.kind());
      throw e;
    }
  }

  /** Reserves the estimated cost of a call with these token counts on {@code model}. */
  SpendGuard.Reservation reserve(String model, int promptTokens, int answerTokens) {
    try {
      return guard.reserve(model, promptTokens, answerTokens);
    } catch (SpendLimitExceededException e) {
      metrics.refused(e.kind());
      throw e;
    }
  }

  /** Settles {@code reservation} with the tokens a reply reported (0 and 0: the estimate stands). */
  void settle(SpendGuard.Reservation reservation, int promptTokens, int answerTokens) {
    reservation.settle(promptTokens, answerTokens);
    metrics.spend(reservation.estimate());
  }

  /** Settles {@code reservation} with the reply's usage. */
  void settle(SpendGuard.Reservation reservation, GenStats stats) {
    settle(reservation, stats.promptTokens(), stats.evalCount());
  }
}
