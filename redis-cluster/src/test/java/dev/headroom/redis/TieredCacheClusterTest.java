package dev.headroom.redis;

import static dev.headroom.redis.TestClusters.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.time.VirtualTime;
import dev.headroom.testkit.redis.RedisClusterFixture;
import dev.headroom.testkit.redis.RedisNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cache on one real 6-node Redis Cluster shared by the tests of this class (each test uses its own namespaces
 * and cluster clients, and leaves the cluster's topology as it found it).
 */
class TieredCacheClusterTest {
  private static RedisClusterFixture redis;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    // a longer node timeout than the failover test's 2 s: on a loaded 2-core machine a starved node must not be
    // failed over in the middle of a test that counts commands per node
    redis = RedisClusterFixture.builder().nodeTimeout(Duration.ofSeconds(5)).start();
  }

  @AfterAll
  static void stopCluster() {
    redis.close();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T closeable) {
    open.add(closeable);
    return closeable;
  }

  private CacheCluster client(String name, SimpleMeterRegistry registry) {
    return track(TestClusters.client(redis, name, registry).build());
  }

  private TieredCache<String, Answer> cache(CacheCluster cluster, String namespace) {
    return track(TieredCache.builder(cluster, namespace, Answer.CODEC)
        .ttl(TtlPolicy.fixed(Duration.ofMinutes(5))).build());
  }

  @Test
  void servesL1HitsL2HitsAndLoadsAMissOnceForFiftyConcurrentCallers() throws Exception {
    SimpleMeterRegistry metricsA = new SimpleMeterRegistry();
    SimpleMeterRegistry metricsB = new SimpleMeterRegistry();
    TieredCache<String, Answer> a = cache(client("a", metricsA), "flight");
    TieredCache<String, Answer> b = cache(client("b", metricsB), "flight");
    AtomicInteger loads = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(50);
    ExecutorService callers = Executors.newFixedThreadPool(50);
    try {
      List<CompletableFuture<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> {
          arrive(start);
          return a.get("question", key -> {
            loads.incrementAndGet();
            Thread.sleep(300); // a slow source, so that all 50 callers arrive while it loads
            return new Answer("forty-two", 7);
          });
        }, callers));
      }
      for (CompletableFuture<Answer> answer : answers) {
        assertThat(answer.get()).isEqualTo(new Answer("forty-two", 7));
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(loads).hasValue(1);
    assertThat(count(metricsA, CacheMetricNames.LOADS, "result", "success")).isEqualTo(1);
    assertThat(count(metricsA, CacheMetricNames.COALESCED) + count(metricsA, CacheMetricNames.GETS, "tier", "l1",
        "result", "hit")).isEqualTo(49);

    // L1 hit: no loader, no L2
    double l2Before = count(metricsA, CacheMetricNames.GETS, "tier", "l2");
    assertThat(a.get("question", key -> fail())).isEqualTo(new Answer("forty-two", 7));
    assertThat(count(metricsA, CacheMetricNames.GETS, "tier", "l2")).isEqualTo(l2Before);

    // L2 hit: another instance with an empty L1 finds it in Redis
    assertThat(b.inL1("question")).isFalse();
    assertThat(b.get("question", key -> fail())).isEqualTo(new Answer("forty-two", 7));
    assertThat(count(metricsB, CacheMetricNames.GETS, "tier", "l2", "result", "hit")).isEqualTo(1);
    assertThat(b.inL1("question")).isTrue();
    assertThat(redis.command(redis.masterForKey(b.redisKey("question")), "GET", b.redisKey("question")))
        .startsWith("hr1 Answer 2 ").contains("{\"text\":\"forty-two\",\"tokens\":7}");
  }

  @Test
  void aPutOnOneInstanceDropsTheKeyFromTheOtherInstancesL1() {
    SimpleMeterRegistry metricsB = new SimpleMeterRegistry();
    TieredCache<String, Answer> a = cache(client("a", new SimpleMeterRegistry()), "shared");
    TieredCache<String, Answer> b = cache(client("b", metricsB), "shared");
    assertThat(a.put("k", new Answer("v1", 1))).isTrue();
    assertThat(b.get("k")).contains(new Answer("v1", 1));
    assertThat(b.inL1("k")).isTrue();

    assertThat(a.put("k", new Answer("v2", 2))).isTrue();

    await().atMost(Duration.ofSeconds(5)).until(() -> !b.inL1("k"));
    assertThat(b.get("k")).contains(new Answer("v2", 2));
    assertThat(count(metricsB, CacheMetricNames.INVALIDATIONS, "direction", "received")).isEqualTo(2);

    a.invalidate("k");
    await().atMost(Duration.ofSeconds(5)).until(() -> !b.inL1("k"));
    assertThat(b.get("k")).isEmpty();
  }

  @Test
  void aSequenceGapOnTheInvalidationChannelClearsThatNamespacesL1Only() {
    SimpleMeterRegistry metricsB = new SimpleMeterRegistry();
    CacheCluster clusterB = client("b", metricsB);
    TieredCache<String, Answer> b = cache(clusterB, "gappy");
    TieredCache<String, Answer> other = cache(clusterB, "calm");
    b.get("x", key -> new Answer("x", 1));
    b.get("y", key -> new Answer("y", 1));
    other.get("x", key -> new Answer("x", 1));
    String channel = clusterB.bus().channelOf("gappy");
    RedisNode shard = redis.masterForKey(channel);

    redis.command(shard, "SPUBLISH", channel, "publisher-p 1 x"); // in order: only x is dropped
    await().atMost(Duration.ofSeconds(5)).until(() -> !b.inL1("x"));
    assertThat(b.inL1("y")).isTrue();
    assertThat(count(metricsB, CacheMetricNames.GAPS)).isZero();

    redis.command(shard, "SPUBLISH", channel, "publisher-p 3 z"); // message 2 was lost
    await().atMost(Duration.ofSeconds(5)).until(() -> !b.inL1("y"));
    assertThat(count(metricsB, CacheMetricNames.GAPS)).isEqualTo(1);
    assertThat(count(metricsB, CacheMetricNames.L1_CLEARS, "namespace", "gappy", "reason", "gap")).isEqualTo(1);
    assertThat(other.inL1("x")).as("another namespace keeps its L1").isTrue();
  }

  @Test
  void losingThePubSubConnectionClearsL1WhenItIsReestablishedAndInvalidationsFlowAgain() {
    SimpleMeterRegistry metricsB = new SimpleMeterRegistry();
    CacheCluster clusterA = client("a", new SimpleMeterRegistry());
    CacheCluster clusterB = client("b", metricsB);
    TieredCache<String, Answer> a = cache(clusterA, "dropped");
    TieredCache<String, Answer> b = cache(clusterB, "dropped");
    b.get("k", key -> new Answer("old", 1));
    assertThat(b.inL1("k")).isTrue();
    String name = clusterB.settings().clientName();

    int killed = 0;
    for (RedisNode node : redis.nodes()) {
      for (String line : redis.command(node, "CLIENT", "LIST", "TYPE", "pubsub").split("\n")) {
        if (line.contains(" name=" + name + " ")) {
          String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' '));
          redis.command(node, "CLIENT", "KILL", "ID", id);
          killed++;
        }
      }
    }
    assertThat(killed).as("B's pub/sub connections").isPositive();

    await().atMost(Duration.ofSeconds(10)).until(() -> !b.inL1("k"));
    assertThat(count(metricsB, CacheMetricNames.L1_CLEARS, "reason", "resubscribed")).isPositive();

    b.get("k", key -> new Answer("again", 2));
    assertThat(b.inL1("k")).isTrue();
    a.put("k", new Answer("new", 3));
    await().atMost(Duration.ofSeconds(5)).until(() -> !b.inL1("k"));
    assertThat(b.get("k")).contains(new Answer("new", 3));
  }

  @Test
  void readsGoToReplicasExceptRefillsJustAfterAnInvalidationWhichGoToTheMaster() {
    VirtualTime time = new VirtualTime();
    SimpleMeterRegistry readerMetrics = new SimpleMeterRegistry();
    TieredCache<String, Answer> writer = track(TieredCache.builder(
        client("writer", new SimpleMeterRegistry()), "replicated", Answer.CODEC)
        .durableWrites(1, Duration.ofSeconds(2)).build()); // every put is on its replica before it returns
    CacheCluster readerCluster = track(TestClusters.client(redis, "reader", readerMetrics)
        .ticker(time).masterReadWindow(Duration.ofSeconds(2)).build());
    TieredCache<String, Answer> reader = track(TieredCache.builder(readerCluster, "replicated",
        Answer.CODEC).withoutL1().ttl(TtlPolicy.fixed(Duration.ofMinutes(5))).build());
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      keys.add("key-" + i);
      assertThat(writer.put("key-" + i, new Answer("v" + i, i))).isTrue();
    }
    // the reader heard the 60 invalidations, so these keys are "recently changed" for 2 s of its (virtual) time
    await().atMost(Duration.ofSeconds(5)).until(() -> count(readerMetrics, CacheMetricNames.INVALIDATIONS,
        "direction", "received") == keys.size());
    redis.resetStats();

    reader.get("key-0");
    assertThat(getsOn(redis.masters())).as("a refill right after an invalidation reads the master").isEqualTo(1);
    assertThat(getsOn(redis.replicas())).isZero();

    time.advance(Duration.ofSeconds(3));
    // Lettuce reads from a replica only once a topology refresh has seen it replicate (replication offset > 0);
    // until then REPLICA_PREFERRED falls back to the master. Wait for that steady state (periodic refresh: 1 s).
    await().atMost(Duration.ofSeconds(10)).until(() -> readerCluster.l2().connections().reads().getPartitions()
        .stream().filter(n -> n.is(RedisClusterNode.NodeFlag.REPLICA)).allMatch(n -> n.getReplOffset() > 0));
    redis.resetStats();
    for (String key : keys) {
      assertThat(reader.get(key)).isPresent();
    }
    assertThat(getsOn(redis.replicas())).as("REPLICA_PREFERRED reads; per node: %s; clears %s; lettuce %s",
        callsPerNode(), readerMetrics.find(CacheMetricNames.L1_CLEARS).counters().stream()
            .map(c -> c.getId().getTag("reason") + "=" + c.count()).toList(),
        readerCluster.l2().connections().reads().getPartitions()).isEqualTo(keys.size());
    assertThat(getsOn(redis.masters())).isZero();
    assertThat(count(readerMetrics, CacheMetricNames.L1_CLEARS, "reason", "resubscribed"))
        .as("a steady subscription is not re-established over and over").isZero();
  }

  private String callsPerNode() {
    StringBuilder out = new StringBuilder();
    for (RedisNode node : redis.nodes()) {
      out.append(node.port()).append(redis.replicas().contains(node) ? " replica " : " master ")
          .append(redis.commandCalls(node).getOrDefault("getrange", 0L)).append("; ");
    }
    return out + "topology " + redis.topology();
  }

  private long getsOn(List<RedisNode> nodes) {
    return nodes.stream().mapToLong(n -> {
      Map<String, Long> calls = redis.commandCalls(n);
      return calls.getOrDefault("get", 0L) + calls.getOrDefault("getrange", 0L); // reads use GETRANGE
    }).sum();
  }

  @Test
  void getAllReadsL1ThenL2AndLeavesMissingKeysOut() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    TieredCache<String, Answer> a = cache(client("a", new SimpleMeterRegistry()), "bulk");
    TieredCache<String, Answer> b = cache(client("b", metrics), "bulk");
    for (int i = 0; i < 20; i++) {
      a.put("k" + i, new Answer("v" + i, i));
    }
    b.get("k0");
    Map<String, Answer> found = b.getAll(List.of("k0", "k1", "k7", "k19", "absent-1", "absent-2"));
    assertThat(found).containsOnlyKeys("k0", "k1", "k7", "k19");
    assertThat(found.get("k7")).isEqualTo(new Answer("v7", 7));
    assertThat(count(metrics, CacheMetricNames.GETS, "tier", "l1", "result", "hit")).isEqualTo(1);
    assertThat(count(metrics, CacheMetricNames.GETS, "tier", "l2", "result", "hit")).isEqualTo(4);
    assertThat(count(metrics, CacheMetricNames.GETS, "tier", "l2", "result", "miss")).isEqualTo(2);
  }

  @Test
  void namespacesAreSeparateAndWriteWithTheirOwnTtls() {
    CacheCluster cluster = client("modes", new SimpleMeterRegistry());
    TieredCache<String, Answer> fast = track(TieredCache.builder(cluster, "fast", Answer.CODEC)
        .l1(100, Duration.ofSeconds(30)).ttl(TtlPolicy.fixed(Duration.ofSeconds(60))).build());
    TieredCache<String, Answer> creative = track(TieredCache.builder(cluster, "creative",
        Answer.CODEC).ttl(TtlPolicy.fixed(Duration.ofMinutes(30))).build());
    fast.put("prompt", new Answer("quick", 1));
    creative.put("prompt", new Answer("poem", 100));
    assertThat(fast.get("prompt")).contains(new Answer("quick", 1));
    assertThat(creative.get("prompt")).contains(new Answer("poem", 100));
    long fastTtl = pttl(fast.redisKey("prompt"));
    long creativeTtl = pttl(creative.redisKey("prompt"));
    assertThat(fastTtl).isBetween(50_000L, 66_000L); // 60 s ± 10% jitter
    assertThat(creativeTtl).isBetween(1_500_000L, 1_980_000L);
    assertThatThrownBy(() -> TieredCache.builder(cluster, "fast", Answer.CODEC).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("fast");
  }

  private long pttl(String key) {
    return Long.parseLong(redis.command(redis.masterForKey(key), "PTTL", key));
  }

  @Test
  void aValueWrittenByAnOlderSchemaIsAMissIsDeletedAndIsLoggedOnce() throws IOException {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    CacheCluster cluster = client("schemas", metrics);
    TieredCache<String, AnswerV1> old = track(TieredCache.builder(
        client("old", new SimpleMeterRegistry()), "answers", AnswerV1.CODEC).build());
    TieredCache<String, Answer> current = cache(cluster, "answers");
    old.put("k1", new AnswerV1("written by v1"));
    old.put("k2", new AnswerV1("also v1"));

    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThat(current.get("k1")).isEmpty();
      assertThat(current.get("k2", key -> new Answer("reloaded", 2))).isEqualTo(new Answer("reloaded", 2));
    } finally {
      System.setErr(stderr);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log.split("does not decode", -1)).as("logged once: %s", log).hasSize(2);
    assertThat(log).contains("Answer v1").contains("expected version 2").doesNotContain("written by v1");
    assertThat(count(metrics, CacheMetricNames.L2_ERRORS, "kind", "decode")).isEqualTo(2);
    assertThat(count(metrics, CacheMetricNames.GETS, "tier", "l2", "result", "miss")).isEqualTo(2);
    String k1 = current.redisKey("k1");
    await().atMost(Duration.ofSeconds(5)).until(() -> "0".equals(redis.command(redis.masterForKey(k1), "EXISTS", k1)));
  }

  @Test
  void refusesNullKeysValuesAndLoadersAndReportsLoaderFailures() {
    TieredCache<String, Answer> cache = cache(client("input", new SimpleMeterRegistry()), "input");
    assertThatThrownBy(() -> cache.get(null)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("key must not be null").hasMessageContaining("'input'");
    assertThatThrownBy(() -> cache.put(null, new Answer("a", 1))).isInstanceOf(CacheArgumentException.class);
    assertThatThrownBy(() -> cache.put("k", null)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("value must not be null");
    assertThatThrownBy(() -> cache.invalidate(null)).isInstanceOf(CacheArgumentException.class);
    assertThatThrownBy(() -> cache.get("k", null)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("loader");
    assertThatThrownBy(() -> cache.get("", key -> new Answer("a", 1))).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> cache.getAll(java.util.Arrays.asList("a", null)))
        .isInstanceOf(CacheArgumentException.class);
    assertThatThrownBy(() -> cache.get("k", key -> null)).isInstanceOf(CacheLoadException.class)
        .hasMessageContaining("returned null");
    assertThatThrownBy(() -> cache.get("k", key -> {
      throw new IOException("source down");
    })).isInstanceOf(CacheLoadException.class).hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("source down");
    assertThatThrownBy(() -> cache.get("k", key -> {
      throw new IllegalStateException("as is");
    })).isExactlyInstanceOf(IllegalStateException.class);
    assertThat(cache.get("k", key -> new Answer("fine", 1))).isEqualTo(new Answer("fine", 1));
    assertThatThrownBy(() -> TieredCache.builder(client("bad", new SimpleMeterRegistry()), "has space",
        Answer.CODEC)).isInstanceOf(ConfigException.class).hasMessageContaining("has space");
  }

  @Test
  void earlyRefreshReloadsAHotKeyJustBeforeItExpiresButNotLongBefore() {
    VirtualTime time = new VirtualTime();
    CacheCluster cluster = track(TestClusters.client(redis, "xfetch", new SimpleMeterRegistry()).ticker(time)
        .wallClock(time.asClock()).build());
    TieredCache<String, Answer> cache = track(TieredCache.builder(cluster, "xfetch", Answer.CODEC)
        .ttl(TtlPolicy.builder().initialTtl(Duration.ofSeconds(60)).bounds(Duration.ofSeconds(60),
            Duration.ofSeconds(60)).jitter(0).tuning(false).build())
        .earlyRefresh(1.0).refreshExecutor(Runnable::run).build());
    AtomicInteger loads = new AtomicInteger();
    CacheLoader<String, Answer> slowLoader = key -> {
      time.advance(Duration.ofSeconds(1)); // the source takes 1 s: δ = 1 s
      return new Answer("load " + loads.incrementAndGet(), 0);
    };
    assertThat(cache.get("hot", slowLoader).text()).isEqualTo("load 1"); // expires at 61 s

    time.advance(Duration.ofSeconds(30)); // 30 s before expiry: P(refresh) = e^-30 per read
    for (int i = 0; i < 200; i++) {
      assertThat(cache.get("hot", slowLoader).text()).isEqualTo("load 1");
    }
    assertThat(loads).hasValue(1);

    time.advance(Duration.ofMillis(29_500)); // 0.5 s before expiry: P(refresh) = e^-0.5 = 0.61 per read
    for (int i = 0; i < 30 && loads.get() == 1; i++) {
      cache.get("hot", slowLoader);
    }
    assertThat(loads).hasValue(2);
    assertThat(cache.get("hot", slowLoader).text()).isEqualTo("load 2");
  }

  @Test
  void theMemoryGuardReportsPressureWhenUsedMemoryPassesItsShareOfMaxmemory() {
    CacheCluster cluster = track(TestClusters.client(redis, "guard", new SimpleMeterRegistry())
        .memoryGuard(0.4, Duration.ofMillis(100)).build());
    assertThat(cluster.memoryPressure()).isFalse();
    List<RedisNode> masters = redis.masters();
    try {
      for (RedisNode master : masters) {
        long used = Long.parseLong(infoField(master, "used_memory"));
        redis.command(master, "CONFIG", "SET", "maxmemory", Long.toString(used * 2)); // about 50% used
      }
      await().atMost(Duration.ofSeconds(5)).until(cluster::memoryPressure);
      assertThat(cluster.memoryUse()).isBetween(0.4, 0.7);
    } finally {
      masters.forEach(m -> redis.command(m, "CONFIG", "SET", "maxmemory", "0"));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !cluster.memoryPressure());
  }

  private String infoField(RedisNode node, String field) {
    for (String line : redis.command(node, "INFO", "memory").split("\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).strip();
      }
    }
    throw new IllegalStateException(field + " not in INFO memory");
  }

  @Test
  void aSlowL2IsSkippedWithinTheReadTimeoutMarkedDownAndRecoversByItself() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    CacheCluster cluster = track(TestClusters.client(redis, "slow", metrics).readTimeout(Duration.ofMillis(100))
        .failureThreshold(3).build());
    TieredCache<String, Answer> cache = cache(cluster, "slow");
    cache.put("cached", new Answer("in L1", 1));
    cache.put("in-l2", new Answer("in L2", 1));
    assertThat(cluster.health()).isEqualTo(dev.headroom.core.Health.UP);

    redis.nodes().forEach(n -> redis.command(n, "CLIENT", "PAUSE", "3000", "ALL"));
    long start = System.nanoTime();
    try {
      // each master is marked down after 3 timeouts on its keys; L2 as a whole once all three are
      for (int i = 0; i < 30 && cluster.health() == dev.headroom.core.Health.UP; i++) {
        assertThat(cache.get("miss-" + i, key -> new Answer("from source", 0)))
            .isEqualTo(new Answer("from source", 0));
      }
      assertThat(cache.get("cached", key -> fail())).isEqualTo(new Answer("in L1", 1));
    } catch (AssertionError | RuntimeException e) {
      redis.nodes().forEach(n -> redis.command(n, "CLIENT", "UNPAUSE"));
      throw e;
    }
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(tookMillis).as("did not wait for the paused Redis (3 s)").isLessThan(2_500);
    assertThat(cluster.health()).isEqualTo(dev.headroom.core.Health.DOWN);
    assertThat(TestClusters.gauge(metrics, CacheMetricNames.L2_UP)).isZero();
    assertThat(count(metrics, CacheMetricNames.L2_ERRORS, "kind", "timeout")).isBetween(3.0, 9.0);
    assertThat(cache.get("never-written")).isEmpty();

    await().atMost(Duration.ofSeconds(15)).until(() -> cluster.health() == dev.headroom.core.Health.UP);
    assertThat(TestClusters.gauge(metrics, CacheMetricNames.L2_UP)).isEqualTo(1);
    assertThat(cache.get("in-l2")).as("L1 was cleared on recovery; read from L2 again")
        .contains(new Answer("in L2", 1));
  }

  @Test
  void keysOfAnotherRedisTypeAreMissesCountedAndDeletedNotAFailedNode() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    CacheCluster cluster = track(TestClusters.client(redis, "typed", metrics).failureThreshold(3).build());
    TieredCache<String, Answer> cache = track(TieredCache.builder(cluster, "typed", Answer.CODEC).withoutL1()
        .ttl(TtlPolicy.fixed(Duration.ofMinutes(5))).build());
    RedisNode master = redis.masterForKey(cache.redisKey("good"));
    List<String> bad = new ArrayList<>();
    for (int i = 0; bad.size() < 4; i++) { // keys on the same master as "good"
      if (redis.masterForKey(cache.redisKey("bad-" + i)) == master) {
        bad.add("bad-" + i);
        redis.command(master, "RPUSH", cache.redisKey("bad-" + i), "someone else's list");
      }
    }
    assertThat(cache.put("good", new Answer("good", 1))).isTrue();

    for (String key : bad.subList(0, 3)) {
      assertThat(cache.get(key, k -> new Answer("loaded", 2))).isEqualTo(new Answer("loaded", 2));
    }
    assertThat(cache.getAll(List.of(bad.get(3), "good"))).containsOnlyKeys("good");
    assertThat(count(metrics, CacheMetricNames.L2_ERRORS, "kind", "wrongtype")).isEqualTo(4);
    assertThat(count(metrics, CacheMetricNames.L2_ERRORS, "kind", "error")).isZero();
    assertThat(cluster.health()).isEqualTo(dev.headroom.core.Health.UP);
    assertThat(cluster.mastersDown()).as("four bad keys are not a bad node").isZero();
    assertThat(cache.get("good", key -> fail())).isEqualTo(new Answer("good", 1));
    for (String key : bad) {
      String redisKey = cache.redisKey(key);
      await().atMost(Duration.ofSeconds(5)).until(() -> !"list".equals(redis.command(master, "TYPE", redisKey)));
    }
  }

  @Test
  void valuesOverTheSizeLimitAreRefusedOnWriteAndAMissOnRead() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    CacheCluster cluster = client("sized", metrics);
    TieredCache<String, Answer> small = track(TieredCache.builder(cluster, "sized", Answer.CODEC).withoutL1()
        .maxValueBytes(2048).ttl(TtlPolicy.fixed(Duration.ofMinutes(5))).build());
    TieredCache<String, Answer> large = track(TieredCache.builder(client("large", new SimpleMeterRegistry()), "sized",
        Answer.CODEC).ttl(TtlPolicy.fixed(Duration.ofMinutes(5))).build()); // the default 1 MiB
    Answer big = new Answer("x".repeat(4000), 1);

    assertThatThrownBy(() -> small.put("put", big)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("maxValueBytes 2048");
    assertThat(small.get("loaded", key -> big)).isEqualTo(big);
    String loadedKey = small.redisKey("loaded");
    assertThat(redis.command(redis.masterForKey(loadedKey), "EXISTS", loadedKey)).as("not written to L2").isEqualTo("0");

    assertThat(large.put("written", big)).isTrue(); // by an instance with a larger limit
    assertThat(small.get("written")).isEmpty();
    assertThat(count(metrics, CacheMetricNames.L2_ERRORS, "kind", "oversize")).isEqualTo(3);
    assertThat(cluster.mastersDown()).isZero();
    String writtenKey = small.redisKey("written");
    await().atMost(Duration.ofSeconds(5))
        .until(() -> "0".equals(redis.command(redis.masterForKey(writtenKey), "EXISTS", writtenKey)));
    assertThat(small.put("fits", new Answer("small", 1))).isTrue();
    assertThat(small.get("fits")).contains(new Answer("small", 1));
    assertThatThrownBy(() -> TieredCache.builder(cluster, "tiny", Answer.CODEC).maxValueBytes(10))
        .isInstanceOf(ConfigException.class).hasMessageContaining("maxValueBytes");
  }

  private static Answer fail() {
    throw new AssertionError("the loader must not be called");
  }

  private static void arrive(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
