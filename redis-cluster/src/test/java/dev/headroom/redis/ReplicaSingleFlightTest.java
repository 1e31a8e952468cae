package dev.headroom.redis;

import static dev.headroom.redis.TestClusters.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.testkit.redis.RedisClusterFixture;
import io.lettuce.core.cluster.SlotHash;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cross-replica single flight: replicas stand as separate {@link CacheCluster} clients (each with its own
 * connections, instance id and metrics) over one real 6-node Redis Cluster shared by the tests of this class; each
 * test uses its own namespace.
 */
class ReplicaSingleFlightTest {
  private static final Answer ANSWER = new Answer("forty-two", 7);

  private static RedisClusterFixture redis;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<SimpleMeterRegistry> registries = new ArrayList<>();
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @BeforeAll
  static void startCluster() {
    redis = RedisClusterFixture.builder().nodeTimeout(Duration.ofSeconds(5)).start();
  }

  @AfterAll
  static void stopCluster() {
    redis.close();
  }

  @AfterEach
  void closeClients() throws Exception {
    callers.shutdownNow();
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** {@code n} replicas of one namespace, each on its own cluster client. */
  private List<TieredCache<String, Answer>> replicas(int n, String namespace,
      Function<TieredCache.Builder<String, Answer>, TieredCache.Builder<String, Answer>> settings) {
    List<TieredCache<String, Answer>> caches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      registries.add(registry);
      CacheCluster cluster = track(TestClusters.client(redis, namespace + "-" + i, registry).build());
      caches.add(track(settings.apply(TieredCache.builder(cluster, namespace, Answer.CODEC)
          .ttl(TtlPolicy.fixed(Duration.ofMinutes(5)))).build()));
    }
    return caches;
  }

  private <T extends AutoCloseable> T track(T closeable) {
    open.add(closeable);
    return closeable;
  }

  /** Every caller starts its get at the same time (a barrier), on its own thread. */
  private List<CompletableFuture<Answer>> askAtOnce(List<TieredCache<String, Answer>> caches, String key,
      CacheLoader<String, Answer> loader) {
    CyclicBarrier start = new CyclicBarrier(caches.size());
    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    for (TieredCache<String, Answer> cache : caches) {
      answers.add(CompletableFuture.supplyAsync(() -> {
        arrive(start);
        return cache.get(key, loader);
      }, callers));
    }
    return answers;
  }

  private double flights(String result) {
    return registries.stream().mapToDouble(r -> count(r, CacheMetricNames.FLIGHTS, "result", result)).sum();
  }

  private double waiting() {
    return registries.stream().mapToDouble(r -> TestClusters.gauge(r, CacheMetricNames.FLIGHTS_WAITING)).sum();
  }

  private String onMaster(String key, String... command) {
    return redis.command(redis.masterForKey(key), command);
  }

  @Test
  void fourReplicasAskingForTheSameMissingKeyAtOnceRunTheLoaderOnce() throws Exception {
    List<TieredCache<String, Answer>> caches = replicas(4, "hot", b -> b);
    AtomicInteger loads = new AtomicInteger();

    List<CompletableFuture<Answer>> answers = askAtOnce(caches, "question", key -> {
      loads.incrementAndGet();
      // a slow source: it answers only once the three other replicas are waiting for it
      await().atMost(Duration.ofSeconds(10)).until(() -> waiting() == 3);
      return ANSWER;
    });

    for (CompletableFuture<Answer> answer : answers) {
      assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo(ANSWER);
    }
    assertThat(loads).hasValue(1);
    assertThat(flights("loaded")).isEqualTo(1);
    assertThat(flights("received")).isEqualTo(3);
    assertThat(flights("timeout") + flights("took_over") + flights("skipped")).isZero();
    assertThat(registries.stream().mapToDouble(r -> count(r, CacheMetricNames.INVALIDATIONS, "direction", "sent"))
        .sum()).as("the loader announced its value to the waiters once").isEqualTo(1);
    assertThat(waiting()).isZero();
    for (TieredCache<String, Answer> cache : caches) {
      assertThat(cache.inL1("question")).isTrue();
    }

    TieredCache<String, Answer> any = caches.get(0);
    String lockKey = any.lockKey("question");
    assertThat(redis.slotOf(lockKey)).as("the lock lives in the value's slot").isEqualTo(
        redis.slotOf(any.redisKey("question")));
    assertThat(onMaster(lockKey, "EXISTS", lockKey)).as("released with the write").isEqualTo("0");
    assertThat(onMaster(any.redisKey("question"), "GET", any.redisKey("question")))
        .contains("{\"text\":\"forty-two\",\"tokens\":7}");
  }

  @Test
  void withTheFeatureOffEveryReplicaRunsTheLoader() throws Exception {
    List<TieredCache<String, Answer>> caches = replicas(4, "hot-off", b -> b.withoutReplicaSingleFlight());
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch allLoading = new CountDownLatch(4);

    List<CompletableFuture<Answer>> answers = askAtOnce(caches, "question", key -> {
      loads.incrementAndGet();
      allLoading.countDown();
      allLoading.await(10, TimeUnit.SECONDS); // returns once all four are loading (or, if they are not, after 10 s)
      return ANSWER;
    });

    for (CompletableFuture<Answer> answer : answers) {
      assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo(ANSWER);
    }
    assertThat(loads).hasValue(4);
    assertThat(flights("loaded") + flights("received") + flights("skipped")).isZero();
  }

  @Test
  void whenTheLoadingReplicasLoaderFailsAWaitingReplicaTakesOverAndTheOthersGetItsValue() throws Exception {
    List<TieredCache<String, Answer>> caches = replicas(4, "failing", b -> b);
    AtomicInteger failingLoads = new AtomicInteger();
    CompletableFuture<Answer> first = CompletableFuture.supplyAsync(() -> caches.get(0).get("question", key -> {
      failingLoads.incrementAndGet();
      await().atMost(Duration.ofSeconds(10)).until(() -> waiting() == 3);
      throw new IllegalStateException("the source is down");
    }), callers);
    await().atMost(Duration.ofSeconds(10)).until(() -> failingLoads.get() == 1); // it holds the lock now

    AtomicInteger loads = new AtomicInteger();
    List<CompletableFuture<Answer>> answers = askAtOnce(caches.subList(1, 4), "question", key -> {
      loads.incrementAndGet();
      return ANSWER;
    });

    assertThatThrownBy(() -> first.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("the source is down");
    for (CompletableFuture<Answer> answer : answers) {
      assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo(ANSWER);
    }
    assertThat(loads).as("one waiter took over; the other two got its value").hasValue(1);
    assertThat(flights("took_over")).isEqualTo(1);
    assertThat(flights("received")).isEqualTo(2);
  }

  @Test
  void aLockLeftWithoutAValueByADeadReplicaDelaysTheOthersOnlyUntilItExpires() throws Exception {
    List<TieredCache<String, Answer>> caches = replicas(3, "orphan", b -> b);
    String lockKey = caches.get(0).lockKey("question");
    // a replica took the lock and was killed: no value will come, the lock expires after its TTL
    assertThat(onMaster(lockKey, "SET", lockKey, "dead-replica:1", "PX", "1000")).isEqualTo("OK");
    AtomicInteger loads = new AtomicInteger();

    List<CompletableFuture<Answer>> answers = askAtOnce(caches, "question", key -> {
      loads.incrementAndGet();
      return ANSWER;
    });

    for (CompletableFuture<Answer> answer : answers) {
      assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo(ANSWER);
    }
    assertThat(loads).as("the first waiter to find the lock gone loads; the others get its value").hasValue(1);
    assertThat(flights("took_over")).isEqualTo(1);
    assertThat(flights("received")).isEqualTo(2);
    assertThat(flights("timeout")).isZero();
  }

  @Test
  void aStuckLoaderDelaysTheOthersAtMostTheirMaxWaitThenTheyLoadThemselves() throws Exception {
    Duration maxWait = Duration.ofMillis(500);
    List<TieredCache<String, Answer>> caches = replicas(4, "stuck", b -> b.replicaSingleFlight(maxWait));
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger stuckLoads = new AtomicInteger();
    CompletableFuture<Answer> stuck = CompletableFuture.supplyAsync(() -> caches.get(0).get("question", key -> {
      stuckLoads.incrementAndGet();
      never.await(); // a hung replica: it holds the lock and never writes a value
      return new Answer("never", 0);
    }), callers);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> stuckLoads.get() == 1);
      AtomicInteger loads = new AtomicInteger();

      List<CompletableFuture<Answer>> answers = askAtOnce(caches.subList(1, 4), "question", key -> {
        loads.incrementAndGet();
        return ANSWER;
      });

      await().atMost(Duration.ofSeconds(10)).until(() -> answers.stream().allMatch(CompletableFuture::isDone));
      for (CompletableFuture<Answer> answer : answers) {
        assertThat(answer.get()).isEqualTo(ANSWER);
      }
      assertThat(stuck).isNotDone();
      assertThat(loads.get()).isBetween(1, 3);
      assertThat(flights("took_over") + flights("timeout")).isBetween(1.0, 3.0);
      assertThat(flights("took_over") + flights("timeout") + flights("received")).isEqualTo(3);
    } finally {
      never.countDown();
    }
  }

  @Test
  void aLockThatOutlivesTheWaitMakesEachWaiterLoadAfterItsMaxWait() throws Exception {
    List<TieredCache<String, Answer>> caches = replicas(3, "held", b -> b.replicaSingleFlight(Duration.ofMillis(300)));
    String lockKey = caches.get(0).lockKey("question");
    assertThat(onMaster(lockKey, "SET", lockKey, "slow-replica:1", "PX", "60000")).isEqualTo("OK");
    AtomicInteger loads = new AtomicInteger();
    // no loader returns (and writes the value) before all three are loading: a replica that starts late on a busy
    // machine would otherwise find the first one's value in L2 and never wait
    CountDownLatch allLoading = new CountDownLatch(3);
    try {
      List<CompletableFuture<Answer>> answers = askAtOnce(caches, "question", key -> {
        loads.incrementAndGet();
        allLoading.countDown();
        try {
          allLoading.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return ANSWER;
      });

      for (CompletableFuture<Answer> answer : answers) {
        assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo(ANSWER);
      }
      assertThat(loads).hasValue(3);
      assertThat(flights("timeout")).isEqualTo(3);
      double waits = registries.stream().mapToDouble(r -> r.get(CacheMetricNames.FLIGHT_WAIT).timer().count()).sum();
      assertThat(waits).isEqualTo(3);
      assertThat(onMaster(lockKey, "GET", lockKey)).as("another's lock is left alone").startsWith("slow-replica:1");
    } finally {
      onMaster(lockKey, "DEL", lockKey);
    }
  }

  @Test
  void withL2DownTheLoaderRunsAtOnceWithoutTheLock() {
    try (RedisClusterFixture absent = RedisClusterFixture.builder().build()) { // ports chosen, nothing started
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      registries.add(registry);
      CacheCluster cluster = track(TestClusters.client(absent, "absent", registry).build());
      TieredCache<String, Answer> cache = track(TieredCache.builder(cluster, "down", Answer.CODEC).build());

      assertThat(cache.get("question", key -> ANSWER)).isEqualTo(ANSWER);
      assertThat(flights("skipped")).isEqualTo(1);
      assertThat(flights("loaded") + flights("timeout")).isZero();
    }
  }

  @Test
  void lockKeysShareTheSlotOfTheirValueKeysWhateverBracesTheKeysHave() {
    TieredCache<String, Answer> cache = replicas(1, "slots", b -> b).get(0);
    for (String key : List.of("plain", "user:{42}:profile", "a}b{c", "{}x", "{", "}", "x{y}z{w}", "ü{ß}")) {
      String lockKey = cache.lockKey(key);
      assertThat(SlotHash.getSlot(lockKey)).as(lockKey).isEqualTo(SlotHash.getSlot(cache.redisKey(key)));
      assertThat(lockKey).as("never a value key of any namespace").startsWith("hr:slots#loading:{");
    }
    assertThat(redis.slotOf(cache.lockKey("a}b{c"))).isEqualTo(redis.slotOf(cache.redisKey("a}b{c")));
    for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
      assertThat(SlotHash.getSlot("k{" + SlotTags.of(slot) + "}" + slot)).isEqualTo(slot);
    }
  }

  @Test
  void theWaitIsValidated() {
    CacheCluster cluster = track(TestClusters.client(redis, "validated").build());
    assertThatThrownBy(() -> TieredCache.builder(cluster, "v", Answer.CODEC).replicaSingleFlight(Duration.ZERO))
        .isInstanceOf(ConfigException.class).hasMessageContaining("replicaSingleFlight.maxWait");
    assertThatThrownBy(() -> TieredCache.builder(cluster, "v", Answer.CODEC)
        .replicaSingleFlight(Duration.ofMinutes(11))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("replicaSingleFlight.maxWait");
  }

  private static void arrive(CyclicBarrier barrier) {
    try {
      barrier.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
