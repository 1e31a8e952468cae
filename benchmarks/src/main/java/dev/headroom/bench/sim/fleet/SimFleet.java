package dev.headroom.bench.sim.fleet;

import dev.headroom.core.fleet.EndpointReport;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.fleet.FleetView;
import dev.headroom.core.fleet.PoolLink;
import dev.headroom.core.fleet.PoolMember;
import dev.headroom.core.fleet.RateLimiter;
import dev.headroom.core.fleet.SharedWindow;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A shared store on virtual time, standing in for Redis in the replica simulation: what a Redis implementation of
 * the fleet SPI does, with its delays, and nothing of its failures.
 *
 * <ul>
 *   <li><b>Views.</b> Every replica's pool publishes on its own schedule, every {@code interval} from a random phase
 *       (replicas do not tick together). A publish is one round trip: the pool's report is taken at the tick, reaches
 *       the store {@code oneWay} later, where it replaces that replica's previous report and the sum of the other
 *       replicas' latest reports is read; that view reaches the pool another {@code oneWay} later. A view is
 *       therefore up to {@code interval + 2 × oneWay} old.
 *   <li><b>Permits.</b> Exact counts per pool and endpoint. {@link PoolLink#tryAcquire} decides on the store's count
 *       at once (the caller adds the round trip to the call, see {@code ReplicaSimulation}); a release reaches the
 *       store {@code oneWay} later, so a permit is held a little longer than its call, as with a real store, but
 *       before any later acquire of the same replica (one connection: the store runs a client's commands in order).
 * </ul>
 *
 * <p>Not thread-safe: everything runs on the thread that advances the virtual clock.
 */
final class SimFleet {
  private final VirtualTime time;
  private final long intervalNanos;
  private final long oneWayNanos;
  private final SplittableRandom phases;
  /** pool -> replica -> its latest report as the store has it. */
  private final Map<String, Map<String, List<EndpointReport>>> reports = new HashMap<>();
  /** pool -> replicas joined. */
  private final Map<String, Integer> joined = new HashMap<>();
  /** pool/endpoint -> permits held. */
  private final Map<String, Integer> permits = new HashMap<>();
  private final List<Publisher> publishers = new ArrayList<>();
  private long denials;

  SimFleet(VirtualTime time, Duration interval, Duration oneWay, long seed) {
    this.time = time;
    this.intervalNanos = interval.toNanos();
    this.oneWayNanos = oneWay.toNanos();
    this.phases = new SplittableRandom(seed);
  }

  /** The coordinator of replica {@code id}. */
  FleetCoordinator replica(String id) {
    return new Replica(id);
  }

  /** Permits refused so far (every global permit of the endpoint was held). */
  long denials() {
    return denials;
  }

  /** Stops every publishing schedule. */
  void stop() {
    publishers.forEach(Publisher::stop);
    publishers.clear();
  }

  private FleetView viewFor(String replica, String pool, Map<String, List<EndpointReport>> byReplica) {
    Map<String, Integer> inFlight = new HashMap<>();
    Map<String, Double> latencySum = new HashMap<>();
    Map<String, Integer> latencyCount = new HashMap<>();
    byReplica.forEach((other, list) -> {
      if (!other.equals(replica)) {
        for (EndpointReport r : list) {
          inFlight.merge(r.endpoint(), r.inFlight(), Integer::sum);
          if (r.meanLatencyMillis() > 0) {
            latencySum.merge(r.endpoint(), r.meanLatencyMillis(), Double::sum);
            latencyCount.merge(r.endpoint(), 1, Integer::sum);
          }
        }
      }
    });
    Map<String, Double> latency = new HashMap<>();
    latencySum.forEach((endpoint, sum) -> latency.put(endpoint, sum / latencyCount.get(endpoint)));
    return new FleetView(inFlight, latency, joined.getOrDefault(pool, 1), false);
  }

  /** One pool of one replica publishing its report and hearing the view, every interval from its own phase. */
  private final class Publisher {
    private final String replica;
    private final String pool;
    private final PoolMember member;
    private Scheduler.Cancellable next;

    Publisher(String replica, String pool, PoolMember member) {
      this.replica = replica;
      this.pool = pool;
      this.member = member;
      this.next = time.schedule(phases.nextLong(intervalNanos), this::tick);
    }

    private void tick() {
      List<EndpointReport> report = member.report();
      time.schedule(oneWayNanos, () -> {
        Map<String, List<EndpointReport>> byReplica = reports.computeIfAbsent(pool, p -> new LinkedHashMap<>());
        byReplica.put(replica, report);
        FleetView view = viewFor(replica, pool, byReplica);
        time.schedule(oneWayNanos, () -> member.onView(view));
      });
      next = time.schedule(intervalNanos, this::tick);
    }

    void stop() {
      next.cancel();
    }
  }

  private final class Replica implements FleetCoordinator {
    private final String id;

    Replica(String id) {
      this.id = id;
    }

    @Override
    public String replicaId() {
      return id;
    }

    @Override
    public PoolLink join(String pool, PoolMember member) {
      joined.merge(pool, 1, Integer::sum);
      publishers.add(new Publisher(id, pool, member));
      return new Link(pool);
    }

    @Override
    public RateLimiter rateLimit(String name, long tokens, Duration period) {
      return FleetCoordinator.local().rateLimit(name, tokens, period);
    }

    @Override
    public SharedWindow window(String name, Duration window, int slices) {
      return FleetCoordinator.local().window(name, window, slices);
    }

    @Override
    public int liveReplicas() {
      return joined.values().stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    @Override
    public boolean degraded() {
      return false;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "SimFleet.Replica{" + id + '}';
    }
  }

  /** A release on its way to the store. */
  private record PendingRelease(Scheduler.Cancellable arrival, Runnable apply) {}

  private final class Link implements PoolLink {
    private final String pool;
    private final Map<String, Integer> mine = new HashMap<>();
    /** Releases sent and not yet at the store, in order; a later command of this link arrives after them. */
    private final ArrayDeque<PendingRelease> inTransit = new ArrayDeque<>();

    Link(String pool) {
      this.pool = pool;
    }

    @Override
    public boolean tryAcquire(String endpoint, int cap) {
      // one connection per replica: the store runs its commands in the order they were sent
      while (!inTransit.isEmpty()) {
        PendingRelease pending = inTransit.pollFirst();
        pending.arrival().cancel();
        pending.apply().run();
      }
      String key = pool + "/" + endpoint;
      int held = permits.getOrDefault(key, 0);
      if (held >= cap) {
        denials++;
        return false;
      }
      permits.put(key, held + 1);
      mine.merge(endpoint, 1, Integer::sum);
      return true;
    }

    @Override
    public void release(String endpoint) {
      mine.merge(endpoint, -1, Integer::sum);
      Runnable apply = () -> permits.merge(pool + "/" + endpoint, -1, Integer::sum);
      PendingRelease[] self = new PendingRelease[1];
      self[0] = new PendingRelease(time.schedule(oneWayNanos, () -> {
        inTransit.remove(self[0]);
        apply.run();
      }), apply);
      inTransit.addLast(self[0]);
    }

    @Override
    public int held(String endpoint) {
      return mine.getOrDefault(endpoint, 0);
    }

    @Override
    public void close() {}
  }
}
