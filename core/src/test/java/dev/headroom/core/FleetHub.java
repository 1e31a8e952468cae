package dev.headroom.core;

import dev.headroom.core.fleet.EndpointReport;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.fleet.FleetView;
import dev.headroom.core.fleet.PoolLink;
import dev.headroom.core.fleet.PoolMember;
import dev.headroom.core.fleet.RateLimiter;
import dev.headroom.core.fleet.SharedWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory stand-in for a shared store, for tests of how a pool uses the fleet SPI: replicas in one JVM share
 * its permits exactly, and views move only when the test calls {@link #exchange()} (one publish interval).
 */
final class FleetHub {
  private final Map<String, Integer> permits = new HashMap<>();
  private final List<Joined> joined = new ArrayList<>();
  int denials;
  /** The others' mean latency per endpoint that every view carries (the test sets it). */
  final Map<String, Double> latencyMillis = new HashMap<>();

  FleetCoordinator replica(String id) {
    return new Replica(id);
  }

  /** Every member reports, then every member hears the sum of the others'. */
  synchronized void exchange() {
    Map<Joined, List<EndpointReport>> reports = new HashMap<>();
    for (Joined j : joined) {
      reports.put(j, j.member.report());
    }
    long live = joined.stream().map(j -> j.replica).distinct().count();
    for (Joined j : joined) {
      Map<String, Integer> others = new HashMap<>();
      reports.forEach((other, list) -> {
        if (other != j && other.pool.equals(j.pool)) {
          list.forEach(r -> others.merge(r.endpoint(), r.inFlight(), Integer::sum));
        }
      });
      j.member.onView(new FleetView(others, latencyMillis, (int) live, false));
    }
  }

  synchronized int held(String pool, String endpoint) {
    return permits.getOrDefault(pool + "/" + endpoint, 0);
  }

  private record Joined(String replica, String pool, PoolMember member) {}

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
      Joined j = new Joined(id, pool, member);
      synchronized (FleetHub.this) {
        joined.add(j);
      }
      return new PoolLink() {
        private final Map<String, Integer> mine = new HashMap<>();

        @Override
        public boolean tryAcquire(String endpoint, int cap) {
          synchronized (FleetHub.this) {
            String key = pool + "/" + endpoint;
            int now = permits.getOrDefault(key, 0);
            if (now >= cap) {
              denials++;
              return false;
            }
            permits.put(key, now + 1);
            mine.merge(endpoint, 1, Integer::sum);
            return true;
          }
        }

        @Override
        public void release(String endpoint) {
          synchronized (FleetHub.this) {
            permits.merge(pool + "/" + endpoint, -1, Integer::sum);
            mine.merge(endpoint, -1, Integer::sum);
          }
        }

        @Override
        public int held(String endpoint) {
          synchronized (FleetHub.this) {
            return mine.getOrDefault(endpoint, 0);
          }
        }

        @Override
        public void close() {
          synchronized (FleetHub.this) {
            joined.remove(j);
          }
        }
      };
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
      return 1;
    }

    @Override
    public boolean degraded() {
      return false;
    }

    @Override
    public void close() {}
  }
}
