package dev.headroom.browser;

import dev.headroom.core.HeadroomMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** One host's browser meters (see {@link BrowserMetricNames}); every method is a no-op without a registry. */
final class HostMetrics {
  private final MeterRegistry registry;
  private final Tags tags;
  private final Timer leaseWait;

  HostMetrics(MeterRegistry registry, String pool, String host, Supplier<Number> idle, Supplier<Number> rss) {
    this.registry = registry;
    this.tags = Tags.of(HeadroomMetrics.POOL, pool, HeadroomMetrics.ENDPOINT, host);
    if (registry == null) {
      this.leaseWait = null;
      return;
    }
    this.leaseWait = Timer.builder(BrowserMetricNames.LEASE_WAIT)
        .description("Time from lease() to a ready browser session")
        .tags(tags)
        .publishPercentileHistogram()
        .register(registry);
    Gauge.builder(BrowserMetricNames.IDLE, idle).description("Warm browser contexts").tags(tags).register(registry);
    Gauge.builder(BrowserMetricNames.RSS, rss).description("Resident memory of the browser process tree")
        .baseUnit("bytes").tags(tags).register(registry);
  }

  /** Removes the host's gauges and timer: it left the pool. Its counters stay (they are totals). */
  void close() {
    if (registry != null) {
      registry.find(BrowserMetricNames.IDLE).tags(tags).meters().forEach(registry::remove);
      registry.find(BrowserMetricNames.RSS).tags(tags).meters().forEach(registry::remove);
      registry.remove(leaseWait);
    }
  }

  void leased(long waitNanos, boolean warm) {
    if (registry != null) {
      leaseWait.record(waitNanos, TimeUnit.NANOSECONDS);
      count(BrowserMetricNames.LEASES, "context", warm ? "warm" : "new");
    }
  }

  void crashed(String kind) {
    count(BrowserMetricNames.CRASHES, "kind", kind);
  }

  void recycled(String reason) {
    count(BrowserMetricNames.RECYCLES, "reason", reason);
  }

  void launched(boolean ok) {
    count(BrowserMetricNames.LAUNCHES, "result", ok ? "ok" : "failed");
  }

  void leaked() {
    if (registry != null) {
      Counter.builder(BrowserMetricNames.LEAKS).tags(tags).register(registry).increment();
    }
  }

  private void count(String name, String key, String value) {
    if (registry != null) {
      Counter.builder(name).tags(tags).tag(key, value).register(registry).increment();
    }
  }
}
