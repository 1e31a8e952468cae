package dev.headroom.llm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-node speed, measured as two separate numbers so that a long answer is not mistaken for a slow node:
 * time to first token without model loading (prompt evaluation plus network and queueing in the server) and the
 * generation rate in tokens per second ({@code eval_count / eval_duration}); and the prompt evaluation time per token
 * ({@code prompt_eval_duration / prompt_eval_count}), which prices re-reading a conversation's history on a node
 * whose cache does not hold it. Exponentially weighted averages.
 */
final class NodeStats {
  private static final double ALPHA = 0.3;
  private static final int MIN_EVAL_TOKENS = 32;

  private final Map<String, Stat> stats = new ConcurrentHashMap<>();
  private final Map<String, Long> lastBusy = new ConcurrentHashMap<>();

  void ttft(String node, long nanos) {
    if (nanos >= 0) {
      stats.computeIfAbsent(node, k -> new Stat()).ttft(nanos);
    }
  }

  void tokensPerSecond(String node, double rate) {
    if (rate > 0 && !Double.isInfinite(rate)) {
      stats.computeIfAbsent(node, k -> new Stat()).rate(rate);
    }
  }

  /**
   * A reply evaluated {@code tokens} prompt tokens (those its cache did not hold) in {@code nanos}. Short
   * evaluations are left out: their fixed overhead would pass for a slow rate.
   */
  void promptEval(String node, long nanos, int tokens) {
    if (nanos > 0 && tokens >= MIN_EVAL_TOKENS) {
      stats.computeIfAbsent(node, k -> new Stat()).evalPerToken(nanos / (double) tokens);
    }
  }

  /** Drops the averages of a removed node. */
  void forget(String node) {
    stats.remove(node);
    lastBusy.remove(node);
  }

  /** The node answered "server busy" at {@code now} (ticker nanos). */
  void busy(String node, long now) {
    lastBusy.put(node, now);
  }

  /** When the node last answered "server busy", or {@code Long.MIN_VALUE}. */
  long lastBusy(String node) {
    return lastBusy.getOrDefault(node, Long.MIN_VALUE);
  }

  /** The average time to first token without loading, in nanoseconds, or -1 before the first sample. */
  double ttftNanos(String node) {
    Stat s = stats.get(node);
    return s == null ? -1 : s.ttft;
  }

  /** The average generation rate, or -1 before the first sample. */
  double tokensPerSecond(String node) {
    Stat s = stats.get(node);
    return s == null ? -1 : s.rate;
  }

  /** The average prompt evaluation time per token, or -1 before the first sample. */
  double promptEvalNanosPerToken(String node) {
    Stat s = stats.get(node);
    return s == null ? -1 : s.evalPerToken;
  }

  /** One node's averages. */
  private static final class Stat {
    volatile double ttft = -1;
    volatile double rate = -1;
    volatile double evalPerToken = -1;

    synchronized void evalPerToken(double value) {
      evalPerToken = evalPerToken < 0 ? value : evalPerToken + ALPHA * (value - evalPerToken);
    }

    synchronized void ttft(long nanos) {
      ttft = ttft < 0 ? nanos : ttft + ALPHA * (nanos - ttft);
    }

    synchronized void rate(double value) {
      rate = rate < 0 ? value : rate + ALPHA * (value - rate);
    }
  }
}
