package dev.headroom.sql;

import dev.headroom.core.HeadroomMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The data source's own meters (see {@link SqlMetricNames}), all registered up front so that recording is a map read
 * and an increment. Without a registry every method is a no-op.
 */
final class RoutingMetrics {
  private final Counter primaryWrites;
  private final Counter primaryReads;
  private final Map<String, Counter> replicaReads = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final String name;
  private final Predicate<Replica> eligible;
  private final Map<FallbackReason, Counter> fallbacks = new EnumMap<>(FallbackReason.class);
  private final Timer waitReached;
  private final Timer waitTimedOut;

  RoutingMetrics(MeterRegistry registry, String name, String primaryId, Collection<Replica> replicas,
      Predicate<Replica> eligible, FallbackPolicy policy) {
    this.registry = registry;
    this.name = name;
    this.eligible = eligible;
    if (registry == null) {
      primaryWrites = null;
      primaryReads = null;
      waitReached = null;
      waitTimedOut = null;
      return;
    }
    primaryWrites = connections(registry, name, primaryId, "primary", "write");
    primaryReads = connections(registry, name, primaryId, "primary", "read");
    for (Replica replica : replicas) {
      added(replica);
    }
    String to = policy == FallbackPolicy.PRIMARY ? "primary" : "none";
    for (FallbackReason reason : FallbackReason.values()) {
      fallbacks.put(reason, Counter.builder(HeadroomMetrics.SPILLOVER)
          .description("Reads that did not go to a replica, by reason")
          .tags("router", name, "from", "replica", "to", to, "reason", reason.name())
          .register(registry));
    }
    waitReached = waitTimer(registry, name, "reached");
    waitTimedOut = waitTimer(registry, name, "timed_out");
  }

  /** Registers the meters of a replica (at start, or when it joins at run time). */
  void added(Replica replica) {
    if (registry == null) {
      return;
    }
    replicaReads.put(replica.id, connections(registry, name, replica.id, "replica", "read"));
    Tags tags = replicaTags(replica);
    Gauge.builder(SqlMetricNames.REPLICA_LAG_BYTES, replica, Replica::lagBytes)
        .description("WAL bytes the replica was behind the primary at its last probe")
        .baseUnit("bytes").tags(tags).strongReference(true).register(registry);
    TimeGauge.builder(SqlMetricNames.REPLICA_LAG, replica, TimeUnit.NANOSECONDS, Replica::lagNanos)
        .description("How long the replica has been missing WAL the primary had")
        .tags(tags).strongReference(true).register(registry);
    Gauge.builder(SqlMetricNames.REPLICA_ELIGIBLE, replica, r -> eligible.test(r) ? 1 : 0)
        .description("1 when reads may go to the replica")
        .tags(tags).strongReference(true).register(registry);
  }

  /** Removes the gauges of a replica that left (its connection counter stays: it is a total). */
  void removed(Replica replica) {
    if (registry == null) {
      return;
    }
    Tags tags = replicaTags(replica);
    for (String gauge : new String[] {SqlMetricNames.REPLICA_LAG_BYTES, SqlMetricNames.REPLICA_LAG,
        SqlMetricNames.REPLICA_ELIGIBLE}) {
      registry.find(gauge).tags(tags).meters().forEach(registry::remove);
    }
  }

  private Tags replicaTags(Replica replica) {
    return Tags.of(HeadroomMetrics.POOL, name, HeadroomMetrics.ENDPOINT, replica.id);
  }

  private static Counter connections(MeterRegistry registry, String pool, String node, String role, String access) {
    return Counter.builder(SqlMetricNames.CONNECTIONS)
        .description("Connections routed to each node")
        .tags(HeadroomMetrics.POOL, pool, HeadroomMetrics.ENDPOINT, node, SqlMetricNames.ROLE, role,
            SqlMetricNames.ACCESS, access)
        .register(registry);
  }

  private static Timer waitTimer(MeterRegistry registry, String pool, String result) {
    return Timer.builder(SqlMetricNames.REPLICA_WAIT)
        .description("Read-your-writes waits for a replica to replay a write")
        .tags(HeadroomMetrics.POOL, pool, "result", result)
        .register(registry);
  }

  void routed(LeasedConnection bound, boolean read) {
    if (primaryWrites == null) {
      return;
    }
    if (bound.replica()) {
      Counter reads = replicaReads.get(bound.node());
      if (reads != null) { // null only for a replica removed while this read was being routed
        reads.increment();
      }
    } else {
      (read ? primaryReads : primaryWrites).increment();
    }
  }

  void fallback(FallbackReason reason) {
    if (primaryWrites != null) {
      fallbacks.get(reason).increment();
    }
  }

  void waited(long nanos, boolean reached) {
    if (primaryWrites != null) {
      (reached ? waitReached : waitTimedOut).record(nanos, TimeUnit.NANOSECONDS);
    }
  }
}
