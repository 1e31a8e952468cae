package dev.headroom.llm;

import static dev.headroom.llm.LlmMetricNames.CACHE;
import static dev.headroom.llm.LlmMetricNames.CLOUD_REFUSED;
import static dev.headroom.llm.LlmMetricNames.CLOUD_SPEND;
import static dev.headroom.llm.LlmMetricNames.COLD_LOADS;
import static dev.headroom.llm.LlmMetricNames.STREAMS_INTERRUPTED;
import static dev.headroom.llm.LlmMetricNames.TOKEN_RATE;
import static dev.headroom.llm.LlmMetricNames.TTFT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records the LLM router's own meters ({@link LlmMetricNames}). Each meter is looked up in the registry once per
 * tag set (tier and endpoint, endpoint and model, ...) and kept, so a request records into a map lookup rather than a
 * registry lookup with a new builder and tags. Without a registry every recording is a no-op.
 */
final class LlmMetrics {
  private final MeterRegistry registry;
  private final Map<Tags, Timer> ttft = new ConcurrentHashMap<>();
  private final Map<Tags, DistributionSummary> tokenRate = new ConcurrentHashMap<>();
  private final Map<Tags, Counter> coldLoads = new ConcurrentHashMap<>();
  private final Map<Tags, Counter> interrupted = new ConcurrentHashMap<>();
  private final Map<SpendLimitExceededException.Kind, Counter> refused = new ConcurrentHashMap<>();
  private final Map<Boolean, Counter> cache = new ConcurrentHashMap<>();
  private volatile Counter spend; // registered at the first spend, as before the meters were kept

  LlmMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Two tag values of a meter: (tier, endpoint) or (endpoint, model). */
  private record Tags(String first, String second) {}

  void ttft(String tier, String endpoint, long nanos) {
    if (registry != null && nanos >= 0) {
      ttft.computeIfAbsent(new Tags(tier, endpoint), t -> Timer.builder(TTFT).description("Time to first token")
          .tags("tier", t.first(), "endpoint", t.second()).publishPercentileHistogram().register(registry))
          .record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  void tokenRate(String tier, String endpoint, double rate) {
    if (registry != null && rate > 0) {
      tokenRate.computeIfAbsent(new Tags(tier, endpoint), t -> DistributionSummary.builder(TOKEN_RATE)
          .description("Generation rate in tokens per second").tags("tier", t.first(), "endpoint", t.second())
          .register(registry)).record(rate);
    }
  }

  void coldLoad(String endpoint, String model) {
    if (registry != null) {
      coldLoads.computeIfAbsent(new Tags(endpoint, model), t -> Counter.builder(COLD_LOADS)
          .tags("endpoint", t.first(), "model", t.second()).register(registry)).increment();
    }
  }

  void cache(boolean hit) {
    if (registry != null) {
      cache.computeIfAbsent(hit, h -> Counter.builder(CACHE).tag("result", h ? "hit" : "miss").register(registry))
          .increment();
    }
  }

  void spend(double dollars) {
    if (registry != null && dollars > 0) {
      Counter counter = spend;
      if (counter == null) { // registering twice is harmless: the registry returns the same counter
        counter = Counter.builder(CLOUD_SPEND).description("Estimated cloud spend in dollars").register(registry);
        spend = counter;
      }
      counter.increment(dollars);
    }
  }

  void refused(SpendLimitExceededException.Kind kind) {
    if (registry != null) {
      refused.computeIfAbsent(kind, k -> Counter.builder(CLOUD_REFUSED)
          .tag("kind", k.name().toLowerCase(Locale.ROOT)).register(registry)).increment();
    }
  }

  void interrupted(String tier, String endpoint) {
    if (registry != null) {
      interrupted.computeIfAbsent(new Tags(tier, endpoint), t -> Counter.builder(STREAMS_INTERRUPTED)
          .tags("tier", t.first(), "endpoint", t.second()).register(registry)).increment();
    }
  }
}
