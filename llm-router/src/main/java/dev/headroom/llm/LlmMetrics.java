package dev.headroom.llm;

import static dev.headroom.llm.LlmMetricNames.CACHE;
import static dev.headroom.llm.LlmMetricNames.CLOUD_REFUSED;
import static dev.headroom.llm.LlmMetricNames.CLOUD_SPEND;
import static dev.headroom.llm.LlmMetricNames.COLD_LOADS;
import static dev.headroom.llm.LlmMetricNames.LATENCY;
import static dev.headroom.llm.LlmMetricNames.MODELS_LOADED;
import static dev.headroom.llm.LlmMetricNames.REQUESTS;
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
  private final Map<RequestTags, Counter> requests = new ConcurrentHashMap<>();
  private final Map<Tags, Timer> latency = new ConcurrentHashMap<>();
  private final Map<String, LoadedGauge> loaded = new ConcurrentHashMap<>();

  /** The tags of a finished request: the model asked for, the tier that answered, the outcome. */
  private record RequestTags(String model, String tier, String outcome) {}

  /** A node's loaded-model count and its gauge. */
  private record LoadedGauge(java.util.concurrent.atomic.AtomicInteger count, io.micrometer.core.instrument.Gauge gauge) {}

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

  /**
   * A request for {@code model} ended: {@code tier} answered it ({@code cache} for a cached answer, {@code none} when
   * nothing did) with {@code outcome} ({@code success}, {@code failure}, {@code timeout}, {@code no_capacity},
   * {@code cancelled}) after {@code nanos}.
   */
  void request(String model, String tier, String outcome, long nanos) {
    if (registry == null) {
      return;
    }
    requests.computeIfAbsent(new RequestTags(model, tier, outcome), t -> Counter.builder(REQUESTS)
        .description("LLM requests by model, answering tier and outcome")
        .tags("model", t.model(), "tier", t.tier(), "outcome", t.outcome()).register(registry)).increment();
    if (outcome.equals("success") && nanos >= 0) {
      latency.computeIfAbsent(new Tags(model, tier), t -> Timer.builder(LATENCY)
          .description("Time of a successful LLM request, whole answer or whole stream")
          .tags("model", t.first(), "tier", t.second()).publishPercentileHistogram().register(registry))
          .record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** {@code endpoint} has {@code count} models in memory (its last {@code /api/ps}). */
  void loadedModels(String endpoint, int count) {
    if (registry == null) {
      return;
    }
    loaded.computeIfAbsent(endpoint, id -> {
      java.util.concurrent.atomic.AtomicInteger value = new java.util.concurrent.atomic.AtomicInteger();
      return new LoadedGauge(value, io.micrometer.core.instrument.Gauge.builder(MODELS_LOADED, value,
          java.util.concurrent.atomic.AtomicInteger::get).description("Models in memory on the node")
          .tag("endpoint", id).strongReference(true).register(registry));
    }).count().set(count);
  }

  /** Removes a removed node's loaded-model gauge. */
  void forgetNode(String endpoint) {
    LoadedGauge g = loaded.remove(endpoint);
    if (g != null && registry != null) {
      registry.remove(g.gauge());
    }
  }

  void interrupted(String tier, String endpoint) {
    if (registry != null) {
      interrupted.computeIfAbsent(new Tags(tier, endpoint), t -> Counter.builder(STREAMS_INTERRUPTED)
          .tags("tier", t.first(), "endpoint", t.second()).register(registry)).increment();
    }
  }
}
