package dev.headroom.npu;

import dev.headroom.core.SpillReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** An embedding pool's own meters (see {@link NpuMetricNames}); no-ops without a registry. */
final class EmbeddingMetrics {
  private final MeterRegistry registry;
  private final String pool;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> batchSizes = new ConcurrentHashMap<>();

  EmbeddingMetrics(MeterRegistry registry, String pool) {
    this.registry = registry;
    this.pool = pool;
  }

  void gauges(Supplier<Number> depth, Supplier<Number> level) {
    if (registry == null) {
      return;
    }
    Gauge.builder(NpuMetricNames.QUEUE_DEPTH, depth, s -> s.get().doubleValue())
        .description("Texts waiting for a local embedding backend")
        .tags("pool", pool)
        .strongReference(true)
        .register(registry);
    Gauge.builder(NpuMetricNames.QUEUE_LEVEL, level, s -> s.get().doubleValue())
        .description("Embedding queue level: 0 ok, 1 warning, 2 critical")
        .tags("pool", pool)
        .strongReference(true)
        .register(registry);
  }

  void spill(String from, String to, SpillReason reason) {
    counter(NpuMetricNames.SPILLOVER + from + to + reason, () -> Counter.builder(NpuMetricNames.SPILLOVER)
        .description("Requests passed from one tier to the next")
        .tags("router", pool, "from", from, "to", to, "reason", reason.name())
        .register(registry));
  }

  void batch(String backend, int size) {
    if (registry != null) {
      batchSizes.computeIfAbsent(backend, b -> DistributionSummary.builder(NpuMetricNames.BATCH_SIZE)
          .description("Texts per batch sent to a backend")
          .tags("pool", pool, "backend", b)
          .register(registry)).record(size);
    }
  }

  void answered(String backend, boolean success, int count) {
    String outcome = success ? "success" : "failure";
    if (registry != null) {
      counters.computeIfAbsent(NpuMetricNames.EMBEDDINGS + backend + outcome, key -> Counter.builder(NpuMetricNames.EMBEDDINGS)
          .description("Texts answered")
          .tags("pool", pool, "backend", backend, "outcome", outcome)
          .register(registry)).increment(count);
    }
  }

  void split() {
    counter(NpuMetricNames.SPLITS, () -> Counter.builder(NpuMetricNames.SPLITS)
        .description("Failed batches split in two to isolate a bad input")
        .tags("pool", pool)
        .register(registry));
  }

  private void counter(String key, Supplier<Counter> create) {
    if (registry != null) {
      counters.computeIfAbsent(key, k -> create.get()).increment();
    }
  }
}
