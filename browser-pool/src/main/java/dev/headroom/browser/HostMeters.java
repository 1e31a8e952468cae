package dev.headroom.browser;

import dev.headroom.core.HeadroomMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** One host's browser meters (see {@link BrowserMetrics}); every method is a no-op without a registry. */
final class HostMeters {
  private final MeterRegistry registry;
  private final Tags tags;
  private final Timer leaseWait;

  HostMeters(MeterRegistry registry, String pool, String host, Supplier<Number> idle, Supplier<Number> rss) {
    this.registry = registry;
    this.tags = Tags.of(HeadroomMetrics.POOL, pool, HeadroomMetrics.ENDPOINT, host);
    if (registry == null) {
      this.leaseWait = null;
      return;
    }
    this.leaseWait = Timer.builder(BrowserMetrics.LEASE_WAIT)
        .description("Time from lease() to a ready browser session")
        .tags(tags)
        .publishPercentileHistogram()
        .register(registry);
    Gauge.builder(BrowserMetrics.IDLE, idle).description("Warm browser contexts").tags(tags).register(registry);
    Gauge.builder(BrowserMetrics.RSS, rss).description("Resident memory of the browser process tree")
        .baseUnit("bytes").tags(tags).register(registry);
  }

  void leased(long waitNanos, boolean warm) {
    if (registry != null) {
      leaseWait.record(waitNanos, TimeUnit.NANOSECONDS);
      count(BrowserMetrics.LEASES, "context", warm ? "warm" : "new");
    }
  }

  void crashed(String kind) {
    count(BrowserMetrics.CRASHES, "kind", kind);
  }

  void recycled(String reason) {
    count(BrowserMetrics.RECYCLES, "reason", reason);
  }

  void launched(boolean ok) {
    count(BrowserMetrics.LAUNCHES, "result", ok ? "ok" : "failed");
  }

  void leaked() {
    if (registry != null) {
      Counter.builder(BrowserMetrics.LEAKS).tags(tags).register(registry).increment();
    }
  }

  private void count(String name, String key, String value) {
    if (registry != null) {
      Counter.builder(name).tags(tags).tag(key, value).register(registry).increment();
    }
  }
}
