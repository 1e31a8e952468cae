package dev.headroom.core.route;

import dev.headroom.core.HeadroomMetrics;
import dev.headroom.core.SpillReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A router's counters: spillover between tiers and retries. Each spillover counter is registered on its first use
 * and then kept by (tier, reason), so counting is an array read and an increment. No-ops without a registry.
 */
final class RouterMetrics {
  private static final SpillReason[] REASONS = SpillReason.values();

  private final MeterRegistry registry;
  private final String router;
  private final List<String> tiers;
  /** By {@code from tier × REASONS.length + reason}; filled on first use (a racing double fill is harmless). */
  private final AtomicReferenceArray<Counter> spills;
  private final Counter retriesSent;
  private final Counter retriesDenied;

  /** @param tiers the router's tier names, in order */
  RouterMetrics(MeterRegistry registry, String router, List<String> tiers) {
    this.registry = registry;
    this.router = router;
    this.tiers = List.copyOf(tiers);
    this.spills = new AtomicReferenceArray<>(registry == null ? 0 : tiers.size() * REASONS.length);
    this.retriesSent = registry == null ? null : retries("sent");
    this.retriesDenied = registry == null ? null : retries("denied");
  }

  /** A request passed tier {@code from} (to the next one, or to none after the last). */
  void spill(int from, SpillReason reason) {
    if (registry == null) {
      return;
    }
    int slot = from * REASONS.length + reason.ordinal();
    Counter counter = spills.get(slot);
    if (counter == null) {
      String to = from + 1 < tiers.size() ? tiers.get(from + 1) : "none";
      counter = Counter.builder(HeadroomMetrics.SPILLOVER)
          .description("Requests passed from one tier to the next")
          .tags("router", router, "from", tiers.get(from), "to", to, "reason", reason.name())
          .register(registry);
      spills.set(slot, counter);
    }
    counter.increment();
  }

  void retry(boolean sent) {
    if (registry != null) {
      (sent ? retriesSent : retriesDenied).increment();
    }
  }

  private Counter retries(String result) {
    return Counter.builder(HeadroomMetrics.RETRIES)
        .description("Retries sent, and retries the retry budget refused")
        .tags("router", router, "result", result)
        .register(registry);
  }
}
