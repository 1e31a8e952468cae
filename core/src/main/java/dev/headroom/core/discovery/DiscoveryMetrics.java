package dev.headroom.core.discovery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A sync's meters (see {@link DiscoveryMetricNames}); registered at start, removed at close; no-ops without a registry. */
final class DiscoveryMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger members = new AtomicInteger();
  private final List<Meter> meters = new ArrayList<>();
  private final Counter added;
  private final Counter draining;
  private final Counter removed;
  private final Counter resumed;
  private final Counter errors;

  DiscoveryMetrics(MeterRegistry registry, String pool, String source) {
    this.registry = registry;
    Tags tags = Tags.of(DiscoveryMetricNames.POOL, pool, DiscoveryMetricNames.SOURCE, source);
    added = change(tags, DiscoveryMetricNames.ADDED);
    draining = change(tags, DiscoveryMetricNames.DRAINING);
    removed = change(tags, DiscoveryMetricNames.REMOVED);
    resumed = change(tags, DiscoveryMetricNames.RESUMED);
    errors = registry == null ? null : keep(Counter.builder(DiscoveryMetricNames.ERRORS)
        .description("Failed lookups of a discovery source; the last good set of members stayed")
        .tags(tags)
        .register(registry));
    if (registry != null) {
      keep(Gauge.builder(DiscoveryMetricNames.MEMBERS, members, AtomicInteger::get)
          .description("Members of the target after the sync's last change, draining ones included")
          .tags(tags)
          .strongReference(true)
          .register(registry));
    }
  }

  private Counter change(Tags tags, String change) {
    return registry == null ? null : keep(Counter.builder(DiscoveryMetricNames.CHANGES)
        .description("Membership changes made from a discovery source")
        .tags(tags).tag(DiscoveryMetricNames.CHANGE, change)
        .register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  void added() {
    increment(added);
  }

  void draining() {
    increment(draining);
  }

  void removed() {
    increment(removed);
  }

  void resumed() {
    increment(resumed);
  }

  void error() {
    increment(errors);
  }

  void members(int count) {
    members.set(count);
  }

  void close() {
    if (registry != null) {
      meters.forEach(registry::remove);
    }
  }

  private static void increment(Counter counter) {
    if (counter != null) {
      counter.increment();
    }
  }
}
