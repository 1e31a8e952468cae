package dev.headroom.redis.fleet;

import dev.headroom.core.fleet.EndpointReport;
import dev.headroom.core.fleet.FleetView;
import dev.headroom.core.fleet.PoolMember;
import dev.headroom.testkit.redis.RedisClusterFixture;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Coordinators for tests (each test gets keys of its own) and a look into Redis with the fixture's redis-cli. */
final class FleetTests {
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private FleetTests() {}

  /** A key prefix no other test uses. */
  static String freshPrefix() {
    return "t" + PREFIXES.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36);
  }

  /** Quick rounds, a 1 s permit TTL, and a generous budget: the build machine is shared (tests of slowness set theirs). */
  static RedisFleet.Builder fleet(RedisClusterFixture redis, String prefix, String replica) {
    return RedisFleet.builder().seeds(redis.uris()).keyPrefix(prefix).replicaId(replica)
        .publishInterval(Duration.ofMillis(100)).permitTtl(Duration.ofSeconds(1))
        .commandBudget(Duration.ofSeconds(2));
  }

  static long zcard(RedisClusterFixture redis, String key) {
    return Long.parseLong(redis.command(redis.masterForKey(key), "ZCARD", key).strip());
  }

  static List<String> hkeys(RedisClusterFixture redis, String key) {
    String out = redis.command(redis.masterForKey(key), "HKEYS", key).strip();
    return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
  }

  static double counter(MeterRegistry registry, String name, String... tags) {
    return registry.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  static double gauge(MeterRegistry registry, String name) {
    return registry.get(name).gauge().value();
  }

  /** A pool's side as a test plays it: reports what it is told, keeps the last view. */
  static final class Member implements PoolMember {
    volatile List<EndpointReport> reports = List.of();
    volatile FleetView view;

    @Override
    public List<EndpointReport> report() {
      return reports;
    }

    @Override
    public void onView(FleetView value) {
      view = value;
    }

    int othersInFlight(String endpoint) {
      FleetView v = view;
      return v == null ? -1 : v.inFlight(endpoint);
    }
  }
}
