package dev.headroom.redis;

import static dev.headroom.redis.TestClusters.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.Health;
import dev.headroom.testkit.redis.ClusterNodeInfo;
import dev.headroom.testkit.redis.RedisClusterFixture;
import dev.headroom.testkit.redis.RedisNode;
import io.lettuce.core.cluster.SlotHash;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One master of three dies and stays dead (no replicas, {@code cluster-require-full-coverage no}: the two others
 * keep serving their slots, as a cluster does before a failover or when a shard has lost its replicas too). Each
 * test restarts the node it killed and waits until the cluster is whole again.
 */
class NodeLossTest {
  private static RedisClusterFixture redis;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    redis = RedisClusterFixture.builder().replicasPerMaster(0).nodeTimeout(Duration.ofSeconds(2))
        .config("cluster-require-full-coverage", "no").start();
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
    return track(TieredCache.builder(cluster, namespace, Answer.CODEC).l1(10_000, Duration.ofSeconds(60))
        .ttl(TtlPolicy.fixed(Duration.ofMinutes(5))).build());
  }

  private void restart(RedisNode node) {
    redis.restart(node);
    redis.awaitClusterOk(Duration.ofSeconds(30));
  }

  @Test
  void anInstanceThatLosesTheInvalidationChannelsNodeStopsServingItsL1AndThePutSaysSo() {
    SimpleMeterRegistry metricsA = new SimpleMeterRegistry();
    SimpleMeterRegistry metricsB = new SimpleMeterRegistry();
    CacheCluster clusterA = client("a", metricsA);
    CacheCluster clusterB = client("b", metricsB);
    TieredCache<String, Answer> a = cache(clusterA, "prices");
    TieredCache<String, Answer> b = cache(clusterB, "prices");
    RedisNode channelNode = redis.masterForKey(clusterB.bus().channelOf("prices"));
    String key = null;
    for (int i = 0; key == null; i++) { // a key whose value lives on another, healthy master
      if (redis.masterForKey(a.redisKey("item-" + i)) != channelNode) {
        key = "item-" + i;
      }
    }
    assertThat(a.put(key, new Answer("old", 1))).isTrue();
    assertThat(b.get(key)).contains(new Answer("old", 1));
    assertThat(b.inL1(key)).isTrue();

    redis.kill(channelNode);
    try {
      // the value is written (its master is alive) but the invalidation cannot reach the channel's node
      assertThat(a.put(key, new Answer("new", 2))).as("the invalidation was not published").isFalse();
      String changed = key;
      // B cannot hear about it, but it knows it lost the channel: it must not serve its L1 (TTL 60 s) meanwhile
      await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
          .until(() -> b.get(changed).equals(Optional.of(new Answer("new", 2))));
      assertThat(b.inL1(key)).as("no L1 while the channel is not heard").isFalse();
      assertThat(count(metricsB, CacheMetricNames.L1_CLEARS, "reason", "subscription_lost")).isPositive();
      assertThat(count(metricsA, CacheMetricNames.L2_ERRORS, "kind", "publish")).isPositive();
    } finally {
      restart(channelNode);
    }

    // the channel's node is back: B hears the channel again and uses its L1; the put's invalidation got through
    await().atMost(Duration.ofSeconds(15)).until(() -> clusterB.bus().listening("prices"));
    await().atMost(Duration.ofSeconds(15)).until(() -> clusterA.bus().retrying() == 0);
    assertThat(b.get(key)).contains(new Answer("new", 2));
    assertThat(b.inL1(key)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.put("item-x", new Answer("probe", 0)));
    assertThat(a.put(key, new Answer("newer", 3))).isTrue();
    String changed = key;
    await().atMost(Duration.ofSeconds(5)).until(() -> !b.inL1(changed));
    assertThat(b.get(key)).contains(new Answer("newer", 3));
  }

  @Test
  void aDeadMasterSendsOnlyItsOwnKeysToTheLoadersAndItsRecoveryDropsOnlyItsL1Entries() {
    CacheCluster writerCluster = client("writer", new SimpleMeterRegistry());
    TieredCache<String, Answer> writer = cache(writerCluster, "spread");
    CacheCluster readerCluster = client("reader", new SimpleMeterRegistry());
    TieredCache<String, Answer> direct = track(TieredCache.builder(readerCluster, "spread", Answer.CODEC)
        .withoutL1().ttl(TtlPolicy.fixed(Duration.ofMinutes(5))).build()); // every read goes to L2
    TieredCache<String, Answer> kept = cache(readerCluster, "kept");
    // a master that serves neither namespace's invalidation channel, so no L1 is cleared for losing a channel
    Set<RedisNode> channelNodes = Set.of(redis.masterForKey(readerCluster.bus().channelOf("spread")),
        redis.masterForKey(readerCluster.bus().channelOf("kept")));
    RedisNode victim = redis.masters().stream().filter(m -> !channelNodes.contains(m)).findFirst().orElseThrow();
    ClusterNodeInfo victimInfo = redis.topology().stream().filter(i -> i.port() == victim.port()).findFirst()
        .orElseThrow();
    List<String> keys = new ArrayList<>();
    Set<String> onVictim = ConcurrentHashMap.newKeySet();
    Set<String> keptOnVictim = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 300; i++) {
      String key = "k" + i;
      keys.add(key);
      assertThat(writer.put(key, new Answer("v" + i, i))).isTrue();
      assertThat(kept.get(key, k -> new Answer("kept", 0))).isEqualTo(new Answer("kept", 0));
      if (victimInfo.servesSlot(SlotHash.getSlot(direct.redisKey(key)))) {
        onVictim.add(key);
      }
      if (victimInfo.servesSlot(SlotHash.getSlot(kept.redisKey(key)))) {
        keptOnVictim.add(key);
      }
    }
    assertThat(onVictim).hasSizeBetween(40, 160); // about a third

    redis.kill(victim);
    try {
      Set<String> loaded = ConcurrentHashMap.newKeySet();
      for (String key : keys) {
        Answer answer = direct.get(key, k -> {
          loaded.add(k);
          return new Answer("loaded", -1);
        });
        if (!onVictim.contains(key)) {
          assertThat(answer).as("served from L2 by a healthy master").isEqualTo(new Answer("v" + key.substring(1),
              Integer.parseInt(key.substring(1))));
        }
      }
      assertThat(loaded).as("only the dead master's keys go to the loader").isEqualTo(onVictim);
      assertThat(readerCluster.health()).isEqualTo(Health.UP);
      assertThat(readerCluster.mastersDown()).isEqualTo(1);
      assertThat(TestClusters.gauge(readerCluster.registry(), CacheMetricNames.L2_NODES_DOWN)).isEqualTo(1);
      assertThat(keys).allMatch(kept::inL1);
    } finally {
      restart(victim);
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> readerCluster.mastersDown() == 0);
    // the recovered master's entries may differ from L2 now (loaded here meanwhile): dropped; the others stay
    assertThat(keys.stream().filter(kept::inL1).toList()).as("L1 entries left after the master recovered")
        .containsExactlyInAnyOrderElementsOf(keys.stream().filter(k -> !keptOnVictim.contains(k)).toList());
    String back = onVictim.iterator().next(); // the restarted node lost its data (no persistence): write it again
    await().atMost(Duration.ofSeconds(10)).until(() -> writer.put(back, new Answer("again", 7)));
    assertThat(direct.get(back, k -> new Answer("loaded", -1))).as("served from L2 again")
        .isEqualTo(new Answer("again", 7));
  }
}
