package dev.headroom.redis;

import dev.headroom.testkit.redis.RedisClusterFixture;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Cache clients for tests: quick probes and topology refreshes, a unique client name each. */
final class TestClusters {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TestClusters() {}

  static CacheCluster.Builder client(RedisClusterFixture fixture, String name) {
    return client(fixture, name, new SimpleMeterRegistry());
  }

  static CacheCluster.Builder client(RedisClusterFixture fixture, String name, MeterRegistry registry) {
    return CacheCluster.builder()
        .name(name)
        .seeds(fixture.uris())
        .clientName("test-" + name + "-" + COUNTER.incrementAndGet())
        .probeInterval(Duration.ofMillis(200))
        .topologyRefreshPeriod(Duration.ofSeconds(1))
        .readTimeout(Duration.ofSeconds(2)) // generous: the build machine is shared; tests of slowness set their own
        .commandTimeout(Duration.ofSeconds(3))
        .settleTime(Duration.ZERO)
        .meterRegistry(registry);
  }

  static double count(MeterRegistry registry, String name, String... tags) {
    var search = registry.find(name).tags(tags);
    return search.counters().stream().mapToDouble(c -> c.count()).sum();
  }

  static double gauge(MeterRegistry registry, String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }
}
