package dev.headroom.core.route;

import dev.headroom.core.HeadroomMetrics;
import dev.headroom.core.SpillReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A router's counters: spillover between tiers and retries. No-ops without a registry. */
final class RouterMetrics {
  private final MeterRegistry registry;
  private final String router;
  private final Map<String, Counter> spills = new ConcurrentHashMap<>();
  private final Counter retriesSent;
  private final Counter retriesDenied;

  RouterMetrics(MeterRegistry registry, String router) {
    this.registry = registry;
    this.router = router;
    this.retriesSent = registry == null ? null : retries("sent");
    this.retriesDenied = registry == null ? null : retries("denied");
  }

  void spill(String from, String to, SpillReason reason) {
    if (registry == null) {
      return;
    }
    spills.computeIfAbsent(from + '\0' + to + '\0' + reason, key -> Counter.builder(HeadroomMetrics.SPILLOVER)
        .description("Requests passed from one tier to the next")
        .tags("router", router, "from", from, "to", to, "reason", reason.name())
        .register(registry)).increment();
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
