package dev.headroom.redis.fleet;

import static dev.headroom.redis.fleet.FleetTests.counter;
import static dev.headroom.redis.fleet.FleetTests.zcard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.headroom.core.fleet.PoolLink;
import dev.headroom.core.fleet.RateLimiter;
import dev.headroom.core.fleet.SharedWindow;
import dev.headroom.testkit.redis.RedisClusterFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Redis that is not there at start, goes away during the run and comes back: nothing fails, caps are shared out. */
class RedisFleetOutageTest {

  @Test
  void withNoRedisAtAllItStartsAtOnceAndDecidesEverythingLocally() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RedisFleet fleet = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> RedisFleet.builder()
        .seeds(List.of(URI.create("redis://:s3cret@127.0.0.1:" + port))).replicaId("alone")
        .publishInterval(Duration.ofMillis(100)).meterRegistry(registry).build());
    try {
      assertThat(fleet.degraded()).isTrue();
      assertThat(fleet.liveReplicas()).isEqualTo(1);
      assertThat(FleetTests.gauge(registry, FleetMetricNames.DEGRADED)).isEqualTo(1);
      assertThat(fleet.toString()).contains("127.0.0.1:" + port).doesNotContain("s3cret");
      assertThat(fleet.settings().toString()).doesNotContain("s3cret");

      FleetTests.Member member = new FleetTests.Member();
      PoolLink link = fleet.join("browsers", member);
      for (int i = 0; i < 3; i++) {
        assertThat(link.tryAcquire("vm-1", 3)).as("the whole cap: no other replica was ever seen").isTrue();
      }
      assertThat(link.tryAcquire("vm-1", 3)).isFalse();
      assertThat(link.held("vm-1")).isEqualTo(3);
      link.release("vm-1");
      assertThat(link.tryAcquire("vm-1", 3)).isTrue();
      assertThat(counter(registry, FleetMetricNames.PERMITS, FleetMetricNames.MODE, "local",
          FleetMetricNames.RESULT, "granted")).isEqualTo(4);

      RateLimiter limiter = fleet.rateLimit("cloud", 5, Duration.ofMinutes(1));
      for (int i = 0; i < 5; i++) {
        assertThat(limiter.tryConsume(1)).isTrue();
      }
      assertThat(limiter.tryConsume(1)).isFalse();
      limiter.refund(1);
      assertThat(limiter.tryConsume(1)).isTrue();

      SharedWindow window = fleet.window("spend", Duration.ofMinutes(1), 6);
      SharedWindow.Ticket first = window.tryAdd(new long[] {1}, new long[] {3});
      assertThat(first.added()).isTrue();
      assertThat(window.tryAdd(new long[] {2}, new long[] {3}).added()).isTrue();
      assertThat(window.tryAdd(new long[] {1}, new long[] {3}).added()).isFalse();
      window.adjust(first, new long[] {-1});
      assertThat(window.totals()).containsExactly(2);
      assertThat(window.tryAdd(new long[] {1}, new long[] {3}).added()).isTrue();

      await().atMost(Duration.ofSeconds(5)).until(() -> member.view != null && member.view.degraded());
      assertThat(member.view.inFlight()).isEmpty();
    } finally {
      assertTimeoutPreemptively(Duration.ofSeconds(10), fleet::close);
    }
  }

  @Test
  void followsRedisThroughDownAtStartUpDownMidRunAndBackAgain() {
    try (RedisClusterFixture redis = RedisClusterFixture.builder().replicasPerMaster(0).password("fleetpw1")
        .build()) { // ports chosen, nothing started
      List<URI> seeds = redis.uris().stream()
          .map(u -> URI.create("redis://:fleetpw1@" + u.getHost() + ":" + u.getPort())).toList();
      SimpleMeterRegistry registryA = new SimpleMeterRegistry();
      try (RedisFleet a = fleet(seeds, "a", registryA); RedisFleet b = fleet(seeds, "b", new SimpleMeterRegistry())) {
        assertThat(a.degraded()).isTrue();
        assertThat(a.toString()).doesNotContain("fleetpw1");
        PoolLink linkA = a.join("browsers", new FleetTests.Member());
        PoolLink linkB = b.join("browsers", new FleetTests.Member());
        assertThat(linkA.tryAcquire("vm-1", 4)).isTrue();
        linkA.release("vm-1");

        redis.startCluster();
        await().atMost(Duration.ofSeconds(30)).until(() -> !a.degraded() && !b.degraded()
            && a.liveReplicas() == 2 && b.liveReplicas() == 2);
        assertThat(FleetTests.gauge(registryA, FleetMetricNames.DEGRADED)).isZero();
        String key = "{hr:browsers}:permits:vm-1";
        assertThat(linkA.tryAcquire("vm-1", 4)).isTrue();
        assertThat(linkA.tryAcquire("vm-1", 4)).isTrue();
        assertThat(zcard(redis, key)).isEqualTo(2);

        redis.nodes().forEach(redis::kill);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.degraded() && b.degraded());
        assertThat(FleetTests.gauge(registryA, FleetMetricNames.DEGRADED)).isEqualTo(1);
        assertThat(linkB.tryAcquire("vm-1", 4)).as("b's share: 4 / 2 live").isTrue();
        assertThat(linkB.tryAcquire("vm-1", 4)).isTrue();
        assertThat(linkB.tryAcquire("vm-1", 4)).isFalse();
        assertThat(linkA.tryAcquire("vm-1", 4)).as("a already holds its share").isFalse();

        redis.nodes().forEach(redis::restart); // without persistence: Redis comes back empty
        redis.awaitClusterOk(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> !a.degraded() && !b.degraded());
        await().atMost(Duration.ofSeconds(5)).until(() -> zcard(redis, key) == 4);
        assertThat(linkA.tryAcquire("vm-1", 4)).as("a's renewed and b's local permits are all in Redis").isFalse();
        assertThat(counter(registryA, FleetMetricNames.ERRORS)).isPositive();

        linkA.release("vm-1");
        linkA.release("vm-1");
        linkB.release("vm-1");
        linkB.release("vm-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> zcard(redis, key) == 0);
      }
    }
  }

  private static RedisFleet fleet(List<URI> seeds, String replica, SimpleMeterRegistry registry) {
    return RedisFleet.builder().seeds(seeds).replicaId(replica).publishInterval(Duration.ofMillis(100))
        .permitTtl(Duration.ofSeconds(2)).commandBudget(Duration.ofMillis(500))
        .connectTimeout(Duration.ofMillis(500)).meterRegistry(registry).build();
  }
}
