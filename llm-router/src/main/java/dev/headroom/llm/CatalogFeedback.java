package dev.headroom.llm;

import dev.headroom.core.time.Ticker;

/**
 * Feeds what replies say back into routing: speed and time to first token into {@link NodeStats}, models served
 * and load times into the {@link Catalog}, a node's 404 for a model and its "server busy", and the meters of both.
 */
final class CatalogFeedback {
  private final Catalog catalog;
  private final NodeStats stats;
  private final LlmMetrics metrics;
  private final Ticker ticker;

  CatalogFeedback(Catalog catalog, NodeStats stats, LlmMetrics metrics, Ticker ticker) {
    this.catalog = catalog;
    this.stats = stats;
    this.metrics = metrics;
    this.ticker = ticker;
  }

  /**
   * A whole answer from Ollama node {@code id} that took {@code wallNanos} on the lease: records its numbers and
   * returns its time to first token (load included), estimated from the server's timings.
   */
  long answered(String tier, String id, String model, long wallNanos, GenStats s) {
    long overhead = s.totalNanos() > 0 ? Math.max(0, wallNanos - s.totalNanos()) : 0;
    long ttftNoLoad = s.promptEvalNanos() >= 0 ? s.promptEvalNanos() + overhead : -1;
    observed(tier, id, model, ttftNoLoad, s);
    long ttft = ttftNoLoad < 0 ? 0 : ttftNoLoad + s.loadNanosOrZero();
    metrics.ttft(tier, id, ttft);
    return ttft;
  }

  /** A stream that reached its first token after {@code ttftNanos} and ended with {@code s}. */
  void streamed(String tier, String id, String model, long ttftNanos, GenStats s, boolean cloud) {
    metrics.ttft(tier, id, ttftNanos);
    if (!cloud) {
      observed(tier, id, model, ttftNanos - s.loadNanosOrZero(), s);
    }
  }

  /** Embeddings from Ollama node {@code id}. */
  void embedded(String id, String model, long loadNanos) {
    catalog.served(id, model, loadNanos, ticker.read());
  }

  /** Node {@code id} replied 404 for {@code model}: forgotten there until its next {@code /api/tags}. */
  void missing(String id, String model) {
    catalog.missing(id, model);
  }

  /** Node {@code id} replied "server busy". */
  void busy(String id) {
    stats.busy(id, ticker.read());
  }

  /** A stream failed after its first chunk. */
  void interrupted(String tier, String id) {
    metrics.interrupted(tier, id);
  }

  private void observed(String tier, String id, String model, long ttftNoLoadNanos, GenStats s) {
    stats.ttft(id, ttftNoLoadNanos);
    stats.tokensPerSecond(id, s.tokensPerSecond());
    stats.promptEval(id, s.promptEvalNanos(), s.promptTokens());
    metrics.tokenRate(tier, id, s.tokensPerSecond());
    if (s.loadNanosOrZero() > Catalog.COLD_LOAD_THRESHOLD_NANOS) {
      metrics.coldLoad(id, model);
    }
    catalog.served(id, model, s.loadNanosOrZero(), ticker.read());
  }
}
