package dev.headroom.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.Selector;
import dev.headroom.redis.fleet.RedisFleet;
import dev.headroom.testkit.FakeBackend;
import dev.headroom.testkit.LatencyModel;
import dev.headroom.testkit.redis.RedisClusterFixture;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * App replicas as separate JVM processes sharing hard caps through a real Redis Cluster; the hosts count their own
 * concurrent calls. One cluster for the class.
 */
class FleetReplicasTest {
  private static final int CAP = 3;
  private static RedisClusterFixture redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisClusterFixture.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  private static String seeds() {
    return redis.uris().stream().map(URI::toString).collect(Collectors.joining(","));
  }

  private static String hosts(FakeBackend... backends) {
    List<String> list = new ArrayList<>();
    for (FakeBackend b : backends) {
      list.add(b.name() + "=" + b.uri());
    }
    return String.join(",", list);
  }

  private static FakeBackend host(String name, Duration latency) {
    // slots far above the cap: the host serves whatever it is sent, and counts it (maxInService)
    return FakeBackend.builder(name).slots(64).queueLimit(64).latency(LatencyModel.fixed(latency)).start();
  }

  @Test
  void fourReplicaProcessesDrivenAtFourTimesTheCapNeverPutMoreThanTheCapOnAHost() throws Exception {
    try (FakeBackend vm1 = host("vm-1", Duration.ofMillis(25)); FakeBackend vm2 = host("vm-2", Duration.ofMillis(25))) {
      List<ReplicaProcess> replicas = new ArrayList<>();
      try {
        for (int r = 0; r < 4; r++) { // each replica alone would fill both hosts twice over: 12 workers, 2 x 3 slots
          replicas.add(ReplicaProcess.start("cap-" + r, "seeds=" + seeds(), "hosts=" + hosts(vm1, vm2),
              "cap=" + CAP, "workers=12", "ttlMs=5000", "publishMs=200"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> replicas.stream().allMatch(ReplicaProcess::ready));
        await().atMost(Duration.ofSeconds(90)).until(() -> replicas.stream().allMatch(p -> p.ok() >= 40));
        for (ReplicaProcess p : replicas) {
          p.stop();
        }
        for (ReplicaProcess p : replicas) {
          assertThat(p.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as(p.toString()).isTrue();
        }
      } finally {
        replicas.forEach(ReplicaProcess::close);
      }
      assertThat(vm1.maxInService()).as("most concurrent calls vm-1 saw").isLessThanOrEqualTo(CAP);
      assertThat(vm2.maxInService()).as("most concurrent calls vm-2 saw").isLessThanOrEqualTo(CAP);
      assertThat(vm1.served() + vm2.served()).isGreaterThanOrEqualTo(160);
      for (ReplicaProcess p : replicas) {
        assertThat(p.errors()).as(p.toString()).isZero();
      }
    }
  }

  @Test
  void theCapacityOfAReplicaKilledWhileHoldingPermitsComesBackWithinThePermitTtl() throws Exception {
    Duration ttl = Duration.ofSeconds(2);
    try (FakeBackend vm = host("vm-slow", Duration.ofSeconds(120)); // calls that outlive the replica
        RedisFleet fleet = RedisFleet.builder().seeds(redis.uris()).replicaId("survivor").permitTtl(ttl)
            .publishInterval(Duration.ofMillis(200)).commandBudget(Duration.ofMillis(500)).build();
        Pool survivor = Pool.create(PoolConfig.builder("hosts").endpoint(Endpoint.of("vm-slow", vm.uri(), CAP))
            .coordinator(fleet).strictCaps(true).build());
        ReplicaProcess doomed = ReplicaProcess.start("doomed", "seeds=" + seeds(), "hosts=" + hosts(vm),
            "cap=" + CAP, "workers=" + CAP, "ttlMs=" + ttl.toMillis(), "publishMs=200")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> vm.maxInService() == CAP); // it holds every permit
      await().atMost(Duration.ofSeconds(30)).until(() -> !fleet.degraded()); // a cold start may begin degraded
      assertThat(survivor.tryAcquire(Selector.any())).isEmpty();

      doomed.kill();
      long killedAt = System.nanoTime();
      List<Lease> regained = new ArrayList<>();
      await().atMost(ttl.plusSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
        Optional<Lease> lease = survivor.tryAcquire(Selector.any());
        lease.ifPresent(regained::add);
        return regained.size() == CAP;
      });
      Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
      System.out.println("capacity of the killed replica back after " + took.toMillis() + " ms (permit TTL "
          + ttl.toMillis() + " ms)");
      assertThat(took).isLessThanOrEqualTo(ttl.plusSeconds(2));
      regained.forEach(Lease::success);
    }
  }
}
