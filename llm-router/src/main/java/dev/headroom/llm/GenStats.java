package dev.headroom.llm;

/**
 * What a server reported about one generation. Ollama reports all of it (nanoseconds); an OpenAI-compatible API
 * reports token counts only (the durations are then -1).
 */
record GenStats(long totalNanos, long loadNanos, int promptTokens, long promptEvalNanos, int evalCount,
    long evalNanos) {
  static final GenStats NONE = new GenStats(-1, -1, 0, -1, 0, -1);

  static GenStats tokens(int promptTokens, int completionTokens) {
    return new GenStats(-1, -1, promptTokens, -1, completionTokens, -1);
  }

  /** Tokens per second from {@code eval_count / eval_duration}, or 0 when unknown. */
  double tokensPerSecond() {
    return evalNanos > 0 && evalCount > 0 ? evalCount * 1e9 / evalNanos : 0;
  }

  long loadNanosOrZero() {
    return Math.max(0, loadNanos);
  }
}
