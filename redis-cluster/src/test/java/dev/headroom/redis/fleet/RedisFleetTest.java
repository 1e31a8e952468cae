package dev.headroom.redis.fleet;

import static dev.headroom.redis.fleet.FleetTests.counter;
import static dev.headroom.redis.fleet.FleetTests.fleet;
import static dev.headroom.redis.fleet.FleetTests.freshPrefix;
import static dev.headroom.redis.fleet.FleetTests.hkeys;
import static dev.headroom.redis.fleet.FleetTests.zcard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.fleet.EndpointReport;
import dev.headroom.core.fleet.PoolLink;
import dev.headroom.core.fleet.RateLimiter;
import dev.headroom.core.fleet.SharedWindow;
import dev.headroom.redis.CacheCluster;
import dev.headroom.testkit.redis.RedisClusterFixture;
import dev.headroom.testkit.redis.RedisNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several coordinators in one JVM, each with its own replica id and its own connections, stand for the replicas of
 * a service sharing one Redis Cluster (one cluster for the class; each test has keys of its own).
 */
class RedisFleetTest {
  private static RedisClusterFixture redis;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final String prefix = freshPrefix();

  @BeforeAll
  static void startCluster() {
    redis = RedisClusterFixture.builder().replicasPerMaster(0).start();
  }

  @AfterAll
  static void stopCluster() {
    redis.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private RedisFleet start(RedisFleet.Builder builder) {
    RedisFleet fleet = builder.build();
    open.add(fleet);
    await().atMost(Duration.ofSeconds(20)).until(() -> !fleet.degraded());
    return fleet;
  }

  private RedisFleet replica(String id, SimpleMeterRegistry registry) {
    return start(fleet(redis, prefix, id).meterRegistry(registry));
  }

  private RedisFleet replica(String id) {
    return replica(id, new SimpleMeterRegistry());
  }

  @Test
  void aCapOfThreeHoldsAcrossFourReplicasHammeringIt() throws Exception {
    List<SimpleMeterRegistry> registries = new ArrayList<>();
    List<PoolLink> links = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      registries.add(registry);
      links.add(replica("r" + i, registry).join("browsers", new FleetTests.Member()));
    }
    long[] alone = new long[200];
    for (int i = 0; i < alone.length; i++) { // one caller, no contention: the plain round trip
      long started = System.nanoTime();
      assertThat(links.get(0).tryAcquire("vm-0", 3)).isTrue();
      alone[i] = System.nanoTime() - started;
      links.get(0).release("vm-0");
    }
    Arrays.sort(alone);
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger maxHolding = new AtomicInteger();
    AtomicInteger granted = new AtomicInteger();
    AtomicInteger denied = new AtomicInteger();
    List<Long> acquireNanos = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (PoolLink link : links) {
      for (int t = 0; t < 2; t++) {
        threads.add(new Thread(() -> {
          for (int i = 0; i < 150; i++) {
            long started = System.nanoTime();
            boolean got = link.tryAcquire("vm-1", 3);
            acquireNanos.add(System.nanoTime() - started);
            if (!got) {
              denied.incrementAndGet();
              continue;
            }
            granted.incrementAndGet();
            maxHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
            long until = System.nanoTime() + 200_000; // a session's work
            while (System.nanoTime() < until) {
              Thread.onSpinWait();
            }
            holding.decrementAndGet();
            link.release("vm-1");
          }
        }));
      }
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(maxHolding.get()).as("sessions held at once across the fleet").isBetween(1, 3);
    assertThat(granted.get()).isPositive();
    assertThat(denied.get()).as("the cap refused some").isPositive();
    for (SimpleMeterRegistry registry : registries) {
      assertThat(counter(registry, FleetMetricNames.PERMITS, FleetMetricNames.MODE, "local"))
          .as("every decision was Redis's").isZero();
    }
    assertThat(registries.stream().mapToDouble(r -> counter(r, FleetMetricNames.PERMITS,
        FleetMetricNames.RESULT, "granted")).sum()).isEqualTo(granted.get() + alone.length);
    String key = "{" + prefix + ":browsers}:permits:vm-1";
    await().atMost(Duration.ofSeconds(5)).until(() -> zcard(redis, key) == 0);
    links.forEach(link -> assertThat(link.held("vm-1")).isZero());

    List<Long> sorted = new ArrayList<>(acquireNanos);
    Collections.sort(sorted);
    System.out.printf("FLEET PERMITS: one caller: tryAcquire p50 %.2f ms, p99 %.2f ms; cap 3, 4 replicas x 2"
        + " threads: %d granted, %d denied, max held at once %d, tryAcquire p50 %.2f ms, p99 %.2f ms%n",
        alone[alone.length / 2] / 1e6, alone[alone.length * 99 / 100] / 1e6, granted.get(), denied.get(),
        maxHolding.get(), sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() * 99 / 100) / 1e6);
  }

  @Test
  void aReplicaThatDiesHoldingPermitsGivesThemBackWithinTheTtl() {
    RedisFleet a = replica("a");
    RedisFleet b = replica("b");
    PoolLink linkA = a.join("browsers", new FleetTests.Member());
    PoolLink linkB = b.join("browsers", new FleetTests.Member());
    for (int i = 0; i < 3; i++) {
      assertThat(linkA.tryAcquire("vm-1", 3)).isTrue();
    }
    assertThat(linkB.tryAcquire("vm-1", 3)).isFalse();
    await().during(Duration.ofMillis(1300)).atMost(Duration.ofSeconds(3))
        .until(() -> zcard(redis, "{" + prefix + ":browsers}:permits:vm-1") == 3); // renewed past their first TTL

    long crashedAt = System.nanoTime();
    a.crash();
    assertThat(linkB.tryAcquire("vm-1", 3)).as("a dead replica's permits stay until they expire").isFalse();
    await().atMost(Duration.ofMillis(1000 + 1000)).pollInterval(Duration.ofMillis(20))
        .until(() -> linkB.tryAcquire("vm-1", 3));
    long backAfter = (System.nanoTime() - crashedAt) / 1_000_000;
    assertThat(linkB.tryAcquire("vm-1", 3)).isTrue();
    assertThat(linkB.tryAcquire("vm-1", 3)).isTrue();
    assertThat(linkB.tryAcquire("vm-1", 3)).isFalse();
    System.out.printf("FLEET PERMIT TTL: a replica killed holding 3 permits (TTL 1000 ms); the others had them"
        + " back after %d ms%n", backAfter);
  }

  @Test
  void eachReplicaSeesTheOthersInFlightAndADeadReplicasEntriesAgeOut() {
    SimpleMeterRegistry registryB = new SimpleMeterRegistry();
    RedisFleet a = replica("a");
    RedisFleet b = replica("b", registryB);
    FleetTests.Member memberA = new FleetTests.Member();
    FleetTests.Member memberB = new FleetTests.Member();
    memberA.reports = List.of(new EndpointReport("e1", 5, 12.5), new EndpointReport("e2", 1, 0));
    memberB.reports = List.of(new EndpointReport("e1", 2, 7.5));
    a.join("ollama", memberA);
    b.join("ollama", memberB);

    await().atMost(Duration.ofSeconds(5)).until(() -> memberB.othersInFlight("e1") == 5
        && memberA.othersInFlight("e1") == 2);
    assertThat(memberB.view.inFlight("e2")).isEqualTo(1);
    assertThat(memberB.view.meanLatencyMillis()).containsEntry("e1", 12.5).doesNotContainKey("e2");
    assertThat(memberA.view.inFlight("e2")).as("only the others are counted").isZero();
    assertThat(memberB.view.degraded()).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> a.liveReplicas() == 2 && b.liveReplicas() == 2
        && memberB.view.liveReplicas() == 2);
    assertThat(FleetTests.gauge(registryB, FleetMetricNames.REPLICAS)).isEqualTo(2);

    memberA.reports = List.of(new EndpointReport("e1", 3, 12.5)); // e2 idle: no longer reported
    await().atMost(Duration.ofSeconds(5)).until(() -> memberB.othersInFlight("e1") == 3
        && memberB.othersInFlight("e2") == 0);

    a.crash();
    await().atMost(Duration.ofSeconds(5)).until(() -> memberB.othersInFlight("e1") == 0 && b.liveReplicas() == 1);
    assertThat(FleetTests.gauge(registryB, FleetMetricNames.REPLICAS)).isEqualTo(1);
    assertThat(hkeys(redis, "{" + prefix + ":ollama}:load")).as("the dead replica's entries were swept")
        .containsExactly("b:e1");
  }

  @Test
  void closingGivesBackPermitsAndRemovesTheReplicasEntries() {
    RedisFleet a = replica("a");
    RedisFleet b = replica("b");
    FleetTests.Member member = new FleetTests.Member();
    member.reports = List.of(new EndpointReport("vm-1", 2, 3));
    PoolLink linkA = a.join("browsers", member);
    PoolLink linkB = b.join("browsers", new FleetTests.Member());
    assertThat(linkA.tryAcquire("vm-1", 2)).isTrue();
    assertThat(linkA.tryAcquire("vm-1", 2)).isTrue();
    assertThat(linkB.tryAcquire("vm-1", 2)).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> b.liveReplicas() == 2
        && hkeys(redis, "{" + prefix + ":browsers}:load").contains("a:vm-1"));

    a.close();
    assertThat(linkB.tryAcquire("vm-1", 2)).as("given back at once, not after the TTL").isTrue();
    assertThat(hkeys(redis, "{" + prefix + ":browsers}:load")).doesNotContain("a:vm-1");
    String registry = "{" + prefix + ":fleet}:replicas";
    assertThat(redis.command(redis.masterForKey(registry), "ZSCORE", registry, "a").strip()).isEmpty();
    assertThat(linkA.tryAcquire("vm-1", 2)).as("a closed coordinator decides locally, never throws").isTrue();

    linkB.close();
    assertThat(zcard(redis, "{" + prefix + ":browsers}:permits:vm-1")).isZero();
    assertThat(linkB.held("vm-1")).isZero();
  }

  @Test
  void aRateLimitIsOneBucketForTheWholeFleet() throws Exception {
    SimpleMeterRegistry registryA = new SimpleMeterRegistry();
    SimpleMeterRegistry registryB = new SimpleMeterRegistry();
    RedisFleet fleetA = replica("a", registryA);
    RedisFleet fleetB = replica("b", registryB);
    RateLimiter a = fleetA.rateLimit("cloud", 10, Duration.ofMinutes(1));
    RateLimiter b = fleetB.rateLimit("cloud", 10, Duration.ofMinutes(1));
    for (int i = 0; i < 7; i++) {
      assertThat(a.tryConsume(1)).as("more than a's local share of 10 / 2").isTrue();
    }
    AtomicInteger granted = new AtomicInteger(7);
    List<Thread> threads = new ArrayList<>();
    for (RateLimiter limiter : List.of(a, b, a, b)) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < 15; i++) {
          if (limiter.tryConsume(1)) {
            granted.incrementAndGet();
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(granted.get()).as("67 asked for, 10 per minute across both").isEqualTo(10);
    assertThat(a.tryConsume(1) || b.tryConsume(1)).isFalse();

    a.refund(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> b.tryConsume(1));
    assertThat(b.tryConsume(1)).isTrue();
    assertThat(b.tryConsume(1) || a.tryConsume(1)).isFalse();
    assertThat(counter(registryA, FleetMetricNames.ERRORS) + counter(registryB, FleetMetricNames.ERRORS))
        .as("every decision was Redis's").isZero();
  }

  @Test
  void aWindowCountsEveryReplicasAmountsExactly() throws Exception {
    List<SharedWindow> windows = new ArrayList<>();
    for (String id : List.of("a", "b", "c")) {
      windows.add(replica(id).window("spend", Duration.ofMinutes(1), 6));
    }
    long[] maxima = {60, 1_000_000};
    AtomicInteger added = new AtomicInteger();
    List<SharedWindow.Ticket> tickets = Collections.synchronizedList(new ArrayList<>());
    List<Long> refusedAt = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (SharedWindow window : windows) {
      for (int t = 0; t < 2; t++) {
        threads.add(new Thread(() -> {
          while (true) {
            SharedWindow.Ticket ticket = window.tryAdd(new long[] {1, 10_000}, maxima);
            if (!ticket.added()) {
              refusedAt.add(ticket.totals()[0]);
              return;
            }
            added.incrementAndGet();
            tickets.add(ticket);
          }
        }));
      }
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(added.get()).isEqualTo(60);
    assertThat(refusedAt).hasSize(6).containsOnly(60L);
    for (SharedWindow window : windows) {
      assertThat(window.totals()).containsExactly(60, 600_000);
    }

    String key = "{" + prefix + ":window:spend}";
    redis.command(redis.masterForKey(key), "SCRIPT", "FLUSH"); // as after a restart: EVALSHA falls back to EVAL
    windows.get(0).adjust(tickets.get(0), new long[] {-5, 40_000}); // five were not sent; the first cost more
    assertThat(windows.get(1).totals()).containsExactly(55, 640_000);
    for (int i = 0; i < 5; i++) {
      assertThat(windows.get(2).tryAdd(new long[] {1, 1}, maxima).added()).isTrue();
    }
    SharedWindow.Ticket refused = windows.get(1).tryAdd(new long[] {1, 1}, maxima);
    assertThat(refused.added()).isFalse();
    assertThat(refused.totals()).containsExactly(60, 640_005);
    assertThat(windows.get(1).tryAdd(new long[] {0, 359_995}, maxima).added()).isTrue();
    assertThat(windows.get(0).tryAdd(new long[] {0, 1}, maxima).added()).as("the second maximum binds too")
        .isFalse();
  }

  @Test
  void reusesTheSeedsOfACacheCluster() {
    try (CacheCluster cache = CacheCluster.builder().seeds(redis.uris()).keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(3)).build()) {
      RedisFleet a = start(RedisFleet.builder().cluster(cache).replicaId("a").publishInterval(Duration.ofMillis(100))
          .commandBudget(Duration.ofSeconds(2)));
      RedisFleet b = replica("b");
      PoolLink linkA = a.join("workers", new FleetTests.Member());
      assertThat(linkA.tryAcquire("w1", 1)).isTrue();
      assertThat(b.join("workers", new FleetTests.Member()).tryAcquire("w1", 1))
          .as("the same keys: the cache cluster's prefix").isFalse();
      await().atMost(Duration.ofSeconds(5)).until(() -> b.liveReplicas() == 2);
      a.close();
    }
  }

  @Test
  void aRedisThatStopsAnsweringWithinTheBudgetIsDecidedLocallyUntilItAnswersAgain() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RedisFleet a = start(fleet(redis, prefix, "a").commandBudget(Duration.ofMillis(100)).meterRegistry(registry));
    PoolLink link = a.join("gpu", new FleetTests.Member());
    String key = "{" + prefix + ":gpu}:permits:n1";
    RedisNode node = redis.masterForKey(key);
    await().atMost(Duration.ofSeconds(5)).until(() -> a.liveReplicas() == 1 && !a.degraded());

    redis.command(node, "CLIENT", "PAUSE", "1500", "ALL");
    assertThat(link.tryAcquire("n1", 2)).as("no reply within 100 ms: a local grant").isTrue();
    assertThat(a.degraded()).isTrue();
    assertThat(FleetTests.gauge(registry, FleetMetricNames.DEGRADED)).isEqualTo(1);
    assertThat(counter(registry, FleetMetricNames.ERRORS, FleetMetricNames.KIND, "timeout")).isPositive();
    assertThat(link.tryAcquire("n1", 2)).isTrue();
    assertThat(link.tryAcquire("n1", 2)).as("this replica's share: 2 / 1 live").isFalse();
    assertThat(counter(registry, FleetMetricNames.PERMITS, FleetMetricNames.MODE, "local",
        FleetMetricNames.RESULT, "granted")).isEqualTo(2);

    await().atMost(Duration.ofSeconds(10)).until(() -> !a.degraded());
    assertThat(FleetTests.gauge(registry, FleetMetricNames.DEGRADED)).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> zcard(redis, key) == 2); // both local grants registered
    assertThat(link.tryAcquire("n1", 2)).isFalse();
    link.release("n1");
    link.release("n1");
    await().atMost(Duration.ofSeconds(5)).until(() -> zcard(redis, key) == 0);
  }
}
