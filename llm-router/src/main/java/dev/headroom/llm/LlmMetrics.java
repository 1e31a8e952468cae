package dev.headroom.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The LLM router's own Micrometer meters, next to core's {@code headroom.requests}, {@code headroom.spillover} and
 * the rest. Without a registry every recording is a no-op.
 */
public final class LlmMetrics {
  /** Timer of time to first token: tags tier, endpoint. */
  public static final String TTFT = "headroom.llm.ttft";
  /** Distribution of generation rates in tokens per second: tags tier, endpoint. */
  public static final String TOKEN_RATE = "headroom.llm.token.rate";
  /** Counter of cold model loads seen in replies (load_duration above 100 ms): tags endpoint, model. */
  public static final String COLD_LOADS = "headroom.llm.cold.loads";
  /** Counter of response-cache lookups: tag result (hit, miss). */
  public static final String CACHE = "headroom.llm.cache";
  /** Counter of estimated cloud spend in dollars. */
  public static final String CLOUD_SPEND = "headroom.llm.cloud.spend";
  /** Counter of cloud requests refused by the spend limit: tag kind (requests, cost). */
  public static final String CLOUD_REFUSED = "headroom.llm.cloud.refused";
  /** Counter of streams that failed after their first chunk: tags tier, endpoint. */
  public static final String STREAMS_INTERRUPTED = "headroom.llm.stream.interrupted";

  private final MeterRegistry registry;

  LlmMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void ttft(String tier, String endpoint, long nanos) {
    if (registry != null && nanos >= 0) {
      Timer.builder(TTFT).description("Time to first token").tags("tier", tier, "endpoint", endpoint)
          .publishPercentileHistogram().register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  void tokenRate(String tier, String endpoint, double rate) {
    if (registry != null && rate > 0) {
      DistributionSummary.builder(TOKEN_RATE).description("Generation rate in tokens per second")
          .tags("tier", tier, "endpoint", endpoint).register(registry).record(rate);
    }
  }

  void coldLoad(String endpoint, String model) {
    if (registry != null) {
      Counter.builder(COLD_LOADS).tags("endpoint", endpoint, "model", model).register(registry).increment();
    }
  }

  void cache(boolean hit) {
    if (registry != null) {
      Counter.builder(CACHE).tag("result", hit ? "hit" : "miss").register(registry).increment();
    }
  }

  void spend(double dollars) {
    if (registry != null && dollars > 0) {
      Counter.builder(CLOUD_SPEND).description("Estimated cloud spend in dollars").register(registry)
          .increment(dollars);
    }
  }

  void refused(SpendLimitExceededException.Kind kind) {
    if (registry != null) {
      Counter.builder(CLOUD_REFUSED).tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT)).register(registry)
          .increment();
    }
  }

  void interrupted(String tier, String endpoint) {
    if (registry != null) {
      Counter.builder(STREAMS_INTERRUPTED).tags("tier", tier, "endpoint", endpoint).register(registry).increment();
    }
  }
}
