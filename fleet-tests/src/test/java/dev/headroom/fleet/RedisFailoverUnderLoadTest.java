package dev.headroom.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.Lease;
import dev.headroom.core.Selector;
import dev.headroom.redis.fleet.RedisFleet;
import dev.headroom.testkit.FakeBackend;
import dev.headroom.testkit.LatencyModel;
import dev.headroom.testkit.redis.RedisClusterFixture;
import dev.headroom.testkit.redis.RedisNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the Redis master that holds a pool's permits while three replicas drive the pool at three
 * times the cap: no request fails, the hosts (counting their own calls) see the cap exceeded by at most the bound
 * the {@code dev.headroom.redis.fleet} package documents, every replica returns to shared mode, and the permits add
 * up exactly again. On a cluster of its own (3 masters, 1 replica each).
 */
class RedisFailoverUnderLoadTest {
  private static final int CAP = 3;
  private static final int REPLICAS = 3;
  /**
   * The bound documented in redis-cluster's {@code dev.headroom.redis.fleet} package ("What holds"): while only some
   * replicas are degraded, a cap is exceeded by at most what the degraded ones granted themselves, each at most
   * {@code max(1, cap / live)} = max(1, 3 / 3) = 1, so (3 - 1) x 1 = 2 over the cap; during the failover itself, by
   * the permits the dead master granted and had not replicated (none expected here: replication on loopback is
   * far faster than the 25 ms a call lasts) until their holders' next renewal. So at most 3 + 2 = 5 on a host. The
   * same 2 applies on the way into degraded mode: a replica that held more than its share keeps those calls until
   * they end while the others take their local shares (the package's "if every replica is degraded, the sum holds"
   * is true only once they have ended).
   */
  private static final int DOCUMENTED_EXCESS = 2;
  private static final Duration PERMIT_TTL = Duration.ofSeconds(10); // longer than the failover: permits survive it

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

  private static FakeBackend host(String name) {
    // slots far above the cap: the host serves whatever it is sent, and counts it (maxInService)
    return FakeBackend.builder(name).slots(64).queueLimit(64).latency(LatencyModel.fixed(Duration.ofMillis(25)))
        .start();
  }

  private static RedisFleet.Builder fleet() {
    return RedisFleet.builder().seeds(redis.uris()).publishInterval(Duration.ofMillis(100)).permitTtl(PERMIT_TTL)
        .commandBudget(Duration.ofMillis(500)) // a busy two-core machine: a slow answer is not a dead Redis here
        .connectTimeout(Duration.ofMillis(500));
  }

  private static long zcard(String key) {
    return Long.parseLong(redis.command(redis.masterForKey(key), "ZCARD", key).strip());
  }

  private static long ok(List<PoolReplica> replicas) {
    return replicas.stream().mapToLong(PoolReplica::ok).sum();
  }

  @Test
  void killingTheMasterOfThePoolsSlotFailsNoRequestKeepsTheCapWithinTheBoundAndReturnsToSharedMode()
      throws Exception {
    String pool = "{hr:hosts}"; // the pool's hash tag (FleetKeys): its permits live in this slot
    try (FakeBackend vm1 = host("vm-1"); FakeBackend vm2 = host("vm-2")) {
      List<PoolReplica> replicas = new ArrayList<>();
      try {
        for (int r = 0; r < REPLICAS; r++) {
          replicas.add(PoolReplica.create("r" + r, fleet(), CAP, List.of(vm1, vm2)));
        }
        // the run starts in shared mode (a replica whose first round was slow starts degraded, with the whole cap)
        await().atMost(Duration.ofSeconds(30)).until(() -> replicas.stream()
            .allMatch(p -> !p.fleet.degraded() && p.fleet.liveReplicas() == REPLICAS));
        replicas.forEach(p -> p.drive(6)); // 3 x 6 workers on 2 hosts x 3 slots: three times the cap
        await().atMost(Duration.ofSeconds(30)).until(() -> replicas.stream().allMatch(p -> p.ok() >= 20));

        RedisNode victim = redis.masterForKey(pool);
        long okBeforeKill = ok(replicas);
        long killedAt = System.nanoTime();
        redis.kill(victim);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
            .until(() -> replicas.stream().allMatch(p -> p.fleet.degraded()));
        long allDegradedAt = System.nanoTime();
        RedisNode promoted = redis.awaitFailover(victim, Duration.ofSeconds(30));
        long failedOverAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
            .until(() -> replicas.stream().noneMatch(p -> p.fleet.degraded()));
        long sharedAgainAt = System.nanoTime();
        long okWhileDegraded = ok(replicas) - okBeforeKill;
        long okAtRecovery = ok(replicas);
        await().atMost(Duration.ofSeconds(20)).until(() -> ok(replicas) >= okAtRecovery + 100); // shared again
        for (PoolReplica p : replicas) {
          p.stop();
        }

        System.out.printf("failover: all replicas degraded %d ms after the kill; %s promoted %d ms after it; all"
            + " shared again %d ms after it (degraded for %d ms); %d requests served meanwhile; most concurrent calls"
            + " on vm-1 %d, vm-2 %d (cap %d, documented bound %d)%n", ms(allDegradedAt - killedAt), promoted,
            ms(failedOverAt - killedAt), ms(sharedAgainAt - killedAt), ms(sharedAgainAt - allDegradedAt),
            okWhileDegraded, vm1.maxInService(), vm2.maxInService(), CAP, CAP + DOCUMENTED_EXCESS);
        for (PoolReplica p : replicas) {
          assertThat(p.failed()).as("requests that failed on %s", p).isZero();
          assertThat(p.fleet.degraded()).as("%s is back in shared mode", p).isFalse();
          assertThat(p.fleet.liveReplicas()).isEqualTo(REPLICAS);
        }
        assertThat(okWhileDegraded).as("requests were served while the slot had no master").isPositive();
        assertThat(vm1.maxInService()).as("most concurrent calls vm-1 saw")
            .isLessThanOrEqualTo(CAP + DOCUMENTED_EXCESS);
        assertThat(vm2.maxInService()).as("most concurrent calls vm-2 saw")
            .isLessThanOrEqualTo(CAP + DOCUMENTED_EXCESS);

        // the permits add up exactly again: none leaked, none lost; exactly the cap can be taken, by anyone
        List<String> keys = List.of(pool + ":permits:vm-1", pool + ":permits:vm-2");
        await().atMost(PERMIT_TTL.plusSeconds(5)).until(() -> keys.stream().allMatch(k -> zcard(k) == 0));
        List<Lease> taken = new ArrayList<>();
        for (PoolReplica p : replicas) {
          for (Optional<Lease> lease = p.pool.tryAcquire(Selector.any()); lease.isPresent();
              lease = p.pool.tryAcquire(Selector.any())) {
            taken.add(lease.get());
          }
        }
        assertThat(taken).as("leases the three replicas could take together").hasSize(2 * CAP);
        for (PoolReplica p : replicas) {
          assertThat(p.pool.tryAcquire(Selector.any())).as("one more on %s", p.id).isEmpty();
        }
        assertThat(keys).allSatisfy(k -> assertThat(zcard(k)).as(k).isEqualTo(CAP));
        taken.forEach(Lease::success);
        await().atMost(Duration.ofSeconds(5)).until(() -> keys.stream().allMatch(k -> zcard(k) == 0));
      } finally {
        replicas.forEach(PoolReplica::close);
      }
    }
  }

  private static long ms(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }
}
