package dev.headroom.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A pool's Micrometer meters. Per-endpoint meters are registered when the endpoint joins and kept on its
 * {@link EndpointState}, so recording on the hot path is a field read and an increment, never a map or registry
 * lookup; the ejection and leak counters are registered on first use and then kept the same way. Without a
 * registry every method is a no-op.
 *
 * <p>Names (see {@link HeadroomMetrics}): {@code headroom.requests{pool,endpoint,tier,outcome}},
 * {@code headroom.inflight{pool,endpoint}}, {@code headroom.latency{pool,endpoint}},
 * {@code headroom.ejections{pool,endpoint,reason}}, {@code headroom.endpoint.up{pool,endpoint}},
 * {@code headroom.queue.depth{pool}}, {@code headroom.queue.wait{pool}},
 * {@code headroom.pool.leases.leaked{pool,endpoint}} (only with leak detection on).
 */
final class PoolMetrics {
  private final MeterRegistry registry;
  private final String pool;
  private final String tier;
  /** The endpoints that have meters, to remove them all when the pool closes. */
  private final Map<EndpointState, EndpointMeters> meters = new ConcurrentHashMap<>();
  private final Timer queueWait;
  private final List<Meter> poolMeters = new ArrayList<>();

  PoolMetrics(MeterRegistry registry, String pool, String tier) {
    this.registry = registry;
    this.pool = pool;
    this.tier = tier;
    this.queueWait = registry == null ? null : Timer.builder(HeadroomMetrics.QUEUE_WAIT)
        .description("Time callers waited in the pool's queue for a lease")
        .tags(HeadroomMetrics.POOL, pool)
        .publishPercentileHistogram()
        .register(registry);
    if (queueWait != null) {
      poolMeters.add(queueWait);
    }
  }

  <T> void queueDepth(T pool, ToDoubleFunction<T> depth) {
    if (registry != null) {
      poolMeters.add(Gauge.builder(HeadroomMetrics.QUEUE_DEPTH, pool, depth)
          .description("Callers waiting for a lease")
          .tags(HeadroomMetrics.POOL, this.pool)
          .strongReference(true)
          .register(registry));
    }
  }

  void added(EndpointState state, ToDoubleFunction<EndpointState> up) {
    if (registry != null) {
      EndpointMeters m = new EndpointMeters(state, up);
      meters.put(state, m);
      state.meters = m;
    }
  }

  void removed(EndpointState state) {
    EndpointMeters m = meters.remove(state);
    if (m != null) {
      state.meters = null;
      m.all.forEach(registry::remove);
    }
  }

  /** Removes every meter of the pool from the registry (the pool is closed). */
  void close() {
    if (registry != null) {
      meters.forEach((state, m) -> {
        state.meters = null;
        m.all.forEach(registry::remove);
      });
      meters.clear();
      poolMeters.forEach(registry::remove);
    }
  }

  void completed(EndpointState state, Outcome outcome, long rttNanos) {
    EndpointMeters m = state.meters;
    if (m != null) {
      m.requests[outcome.ordinal()].increment();
      if (outcome == Outcome.SUCCESS || outcome == Outcome.CLIENT_ERROR || outcome == Outcome.FAILURE) {
        m.latency.record(rttNanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  void ejected(EndpointState state, String reason) {
    if (registry == null) {
      return;
    }
    EndpointMeters m = state.meters; // null once the endpoint has left: then look the counter up
    Counter counter = m == null ? null : m.ejections.get(reason);
    if (counter == null) { // registering twice on a race is harmless: the registry returns the same counter
      counter = Counter.builder(HeadroomMetrics.EJECTIONS)
          .tags(HeadroomMetrics.POOL, pool, HeadroomMetrics.ENDPOINT, state.id(), "reason", reason)
          .register(registry);
      if (m != null) {
        m.ejections.put(reason, counter);
      }
    }
    counter.increment();
  }

  void leaked(EndpointState state) {
    if (registry == null) {
      return;
    }
    EndpointMeters m = state.meters;
    Counter counter = m == null ? null : m.leaked;
    if (counter == null) {
      counter = Counter.builder(HeadroomMetrics.LEASES_LEAKED)
          .description("Leases held past the leak detection threshold, or lost without being ended")
          .tags(HeadroomMetrics.POOL, pool, HeadroomMetrics.ENDPOINT, state.id())
          .register(registry);
      if (m != null) {
        m.leaked = counter;
      }
    }
    counter.increment();
  }

  void waited(long nanos) {
    if (queueWait != null) {
      queueWait.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The meters of one endpoint, kept on its {@link EndpointState#meters}. */
  final class EndpointMeters {
    final Counter[] requests = new Counter[Outcome.values().length];
    final Timer latency;
    /** Registered with the others, removed with them when the endpoint leaves or the pool closes. */
    final List<Meter> all = new ArrayList<>();
    /** By reason, registered on the first ejection and, as before, left in the registry when the endpoint leaves. */
    final Map<String, Counter> ejections = new ConcurrentHashMap<>(4);
    /** Registered on the first leak and, as before, left in the registry when the endpoint leaves. */
    volatile Counter leaked;

    EndpointMeters(EndpointState state, ToDoubleFunction<EndpointState> up) {
      Tags tags = Tags.of(HeadroomMetrics.POOL, pool, HeadroomMetrics.ENDPOINT, state.id());
      for (Outcome outcome : Outcome.values()) {
        requests[outcome.ordinal()] = Counter.builder(HeadroomMetrics.REQUESTS)
            .description("Leases completed, by outcome")
            .tags(tags).tag(HeadroomMetrics.TIER, tier).tag(HeadroomMetrics.OUTCOME, outcome.tag())
            .register(registry);
        all.add(requests[outcome.ordinal()]);
      }
      latency = Timer.builder(HeadroomMetrics.LATENCY)
          .description("Time from lease to completion")
          .tags(tags)
          .publishPercentileHistogram()
          .register(registry);
      all.add(latency);
      all.add(Gauge.builder(HeadroomMetrics.INFLIGHT, state, EndpointState::inFlight)
          .description("Leases currently held")
          .tags(tags)
          .strongReference(true)
          .register(registry));
      all.add(Gauge.builder(HeadroomMetrics.ENDPOINT_UP, state, up)
          .description("1 when the endpoint is eligible for new leases, else 0")
          .tags(tags)
          .strongReference(true)
          .register(registry));
    }
  }
}
