package dev.headroom.redis;

import static dev.headroom.redis.TestClusters.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.testkit.redis.RedisClusterFixture;
import dev.headroom.testkit.redis.RedisNode;
import io.lettuce.core.cluster.SlotHash;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 5 on one real 6-node Redis Cluster: the mode presets, the {@code ttl_expired} counter, and seed 003's
 * cache calls ({@code putAll}, per-call TTL, pattern invalidation, warming). Each test uses its own namespaces and
 * cluster clients.
 */
class CachePoliciesTest {
  private static RedisClusterFixture redis;
  private final List<AutoCloseable> open = new ArrayList<>();

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

  private long pttl(TieredCache<String, Answer> cache, String key) {
    String redisKey = cache.redisKey(key);
    return Long.parseLong(redis.command(redis.masterForKey(redisKey), "PTTL", redisKey).strip());
  }

  private boolean existsInL2(TieredCache<String, Answer> cache, String key) {
    String redisKey = cache.redisKey(key);
    return !"0".equals(redis.command(redis.masterForKey(redisKey), "EXISTS", redisKey).strip());
  }

  @Test
  void theCreativePresetWritesWithSeed002sThirtyMinuteTtl() {
    // seed 002: the creative mode's TTL is 30 minutes
    assertThat(TtlPolicy.creative().initialTtl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(TtlPolicy.CREATIVE_TTL).isEqualTo(Duration.ofMinutes(30));
    assertThat(TtlPolicy.creative().tuning()).isTrue();
    assertThat(TtlPolicy.creative().minTtl()).isLessThan(Duration.ofMinutes(30));
    assertThat(TtlPolicy.creative().maxTtl()).isGreaterThan(Duration.ofMinutes(30));
    assertThat(TtlPolicy.fast()).isEqualTo(TtlPolicy.builder().build());
    assertThat(TtlPolicy.balanced()).isEqualTo(TtlPolicy.builder().build());

    TieredCache<String, Answer> creative = track(TieredCache.builder(client("a", new SimpleMeterRegistry()),
        "creative", Answer.CODEC).ttl(TtlPolicy.creative()).build());
    assertThat(creative.tuner().currentTtl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(creative.put("poem", new Answer("roses", 3))).isTrue();
    long pttl = pttl(creative, "poem");
    long thirtyMinutes = Duration.ofMinutes(30).toMillis();
    // the policy's ±10% jitter on written TTLs, and a few seconds of test time
    assertThat(pttl).isBetween((long) (thirtyMinutes * 0.9) - 5_000, (long) (thirtyMinutes * 1.1));
    Answer loaded = creative.get("story", key -> new Answer("once upon a time", 4));
    assertThat(loaded.text()).isEqualTo("once upon a time");
    await().atMost(Duration.ofSeconds(5)).until(() -> existsInL2(creative, "story")); // a load's fill is async
    assertThat(pttl(creative, "story")).isBetween((long) (thirtyMinutes * 0.9) - 5_000, (long) (thirtyMinutes * 1.1));
  }

  @Test
  void aPerCallTtlOverridesTheTunedTtl() {
    TieredCache<String, Answer> cache = cache(client("a", new SimpleMeterRegistry()), "per-call");
    assertThat(cache.put("short", new Answer("s", 1), Duration.ofSeconds(90))).isTrue();
    assertThat(cache.put("tuned", new Answer("t", 1))).isTrue();
    assertThat(pttl(cache, "short")).isBetween(80_000L, 90_000L); // exactly the call's TTL: no jitter
    assertThat(pttl(cache, "tuned")).isGreaterThan(Duration.ofMinutes(4).toMillis());
    assertThat(cache.tuner().currentTtl()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void readsThatFindTheirEntryGoneBecauseItsTtlPassedAreCountedAsTtlExpired() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    CacheCluster cluster = client("a", metrics);
    TieredCache<String, Answer> cache = cache(cluster, "expiring");
    TieredCache<String, Answer> other = cache(cluster, "expiring-other");

    assertThat(cache.put("brief", new Answer("b", 1), Duration.ofMillis(300))).isTrue();
    assertThat(cache.get("brief")).contains(new Answer("b", 1)); // from L1
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("brief").isEmpty());
    assertThat(count(metrics, CacheMetricNames.TTL_EXPIRED, "namespace", "expiring")).isEqualTo(1);
    assertThat(cache.get("brief")).isEmpty();
    assertThat(count(metrics, CacheMetricNames.TTL_EXPIRED, "namespace", "expiring")).as("counted once").isEqualTo(1);

    // through getAll and get(key, loader) too
    cache.put("brief-2", new Answer("b2", 1), Duration.ofMillis(300));
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.getAll(List.of("brief-2")).isEmpty());
    assertThat(count(metrics, CacheMetricNames.TTL_EXPIRED, "namespace", "expiring")).isEqualTo(2);
    cache.put("brief-3", new Answer("b3", 1), Duration.ofMillis(300));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> cache.get("brief-3", key -> new Answer("reloaded", 2)).text().equals("reloaded"));
    assertThat(count(metrics, CacheMetricNames.TTL_EXPIRED, "namespace", "expiring")).isEqualTo(3);

    // not expiries: a key never seen, and an invalidated one
    assertThat(cache.get("never-written")).isEmpty();
    cache.put("dropped", new Answer("d", 1));
    cache.invalidate("dropped");
    assertThat(cache.get("dropped")).isEmpty();
    assertThat(count(metrics, CacheMetricNames.TTL_EXPIRED, "namespace", "expiring")).isEqualTo(3);
    assertThat(count(metrics, CacheMetricNames.TTL_EXPIRED, "namespace", "expiring-other")).isZero();
  }

  @Test
  void putAllWritesKeysOfManySlotsAndDropsThemFromOtherInstancesL1() {
    TieredCache<String, Answer> a = cache(client("a", new SimpleMeterRegistry()), "many");
    TieredCache<String, Answer> b = cache(client("b", new SimpleMeterRegistry()), "many");
    b.get("key-7", key -> new Answer("old", 0));
    assertThat(b.inL1("key-7")).isTrue();

    Map<String, Answer> entries = new LinkedHashMap<>();
    for (int i = 0; i < 60; i++) {
      entries.put("key-" + i, new Answer("value " + i, i));
    }
    Set<Integer> slots = new HashSet<>();
    Set<Integer> masters = new HashSet<>();
    for (String key : entries.keySet()) {
      slots.add(SlotHash.getSlot(a.redisKey(key)));
    }
    for (int slot : slots) {
      masters.add(redis.masterForSlot(slot).port());
    }
    assertThat(slots).hasSizeGreaterThan(30);
    assertThat(masters).as("keys on every master").hasSize(3);

    assertThat(a.putAll(entries)).isTrue();

    await().atMost(Duration.ofSeconds(5)).until(() -> !b.inL1("key-7"));
    assertThat(b.getAll(entries.keySet())).isEqualTo(entries);
    for (String key : List.of("key-0", "key-13", "key-59")) {
      assertThat(pttl(a, key)).isBetween(Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(6).toMillis());
    }
    assertThat(a.putAll(Map.of())).isTrue();
  }

  @Test
  void durablePutAllSendsOneWaitPerMasterAfterItsSets() {
    TieredCache<String, Answer> a = track(TieredCache.builder(client("a", new SimpleMeterRegistry()), "many-durable",
        Answer.CODEC).ttl(TtlPolicy.fixed(Duration.ofMinutes(5))).durableWrites(1, Duration.ofSeconds(2)).build());
    Map<String, Answer> entries = new LinkedHashMap<>();
    for (int i = 0; i < 30; i++) {
      entries.put("d-" + i, new Answer("durable " + i, i));
    }
    redis.resetStats();

    assertThat(a.putAll(entries)).isTrue();

    long sets = 0;
    for (RedisNode master : redis.masters()) {
      Map<String, Long> calls = redis.commandCalls(master);
      sets += calls.getOrDefault("set", 0L);
      assertThat(calls.getOrDefault("wait", 0L)).as("WAITs on " + master).isEqualTo(1);
    }
    assertThat(sets).isEqualTo(30);
    assertThat(a.getAll(entries.keySet())).isEqualTo(entries);
  }

  @Test
  void patternInvalidationRemovesMatchingKeysOnEveryMasterAndFromAnotherInstancesL1() {
    SimpleMeterRegistry metricsB = new SimpleMeterRegistry();
    TieredCache<String, Answer> a = cache(client("a", new SimpleMeterRegistry()), "purge");
    TieredCache<String, Answer> b = cache(client("b", metricsB), "purge");
    TieredCache<String, Answer> neighbour = cache(client("c", new SimpleMeterRegistry()), "purge-neighbour");
    Map<String, Answer> entries = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      entries.put("user:" + i + ":profile", new Answer("user " + i, i));
      entries.put("team:" + i, new Answer("team " + i, i));
    }
    assertThat(a.putAll(entries)).isTrue();
    neighbour.put("user:1:profile", new Answer("another namespace", 1));
    Set<Integer> masters = new HashSet<>();
    for (String key : entries.keySet()) {
      if (key.startsWith("user:")) {
        masters.add(redis.masterForKey(a.redisKey(key)).port());
      }
    }
    assertThat(masters).as("matching keys on every master").hasSize(3);
    assertThat(b.getAll(entries.keySet())).isEqualTo(entries); // fills B's L1
    assertThat(b.inL1("user:3:profile")).isTrue();

    PatternInvalidation result = a.invalidateMatching("user:*");

    assertThat(result.removed()).isEqualTo(40);
    assertThat(result.complete()).isTrue();
    assertThat(result.published()).isTrue();
    assertThat(result.ok()).isTrue();
    assertThat(result.droppedFromL1()).isEqualTo(40); // a's own copies, written by putAll
    await().atMost(Duration.ofSeconds(5)).until(() -> entries.keySet().stream()
        .filter(key -> key.startsWith("user:")).noneMatch(b::inL1));
    for (String key : entries.keySet()) {
      boolean matching = key.startsWith("user:");
      assertThat(existsInL2(a, key)).as(key).isEqualTo(!matching);
      assertThat(a.get(key)).as(key).isEqualTo(matching ? Optional.empty() : Optional.of(entries.get(key)));
    }
    assertThat(b.inL1("team:3")).as("non-matching keys stay in B's L1").isTrue();
    assertThat(b.get("user:3:profile")).isEmpty();
    assertThat(neighbour.get("user:1:profile")).as("another namespace").contains(new Answer("another namespace", 1));
    assertThat(count(metricsB, CacheMetricNames.INVALIDATIONS, "direction", "received")).isPositive();
  }

  @Test
  void patternInvalidationMatchesL1AndL2ByRedisGlobRules() {
    TieredCache<String, Answer> a = cache(client("a", new SimpleMeterRegistry()), "globs");
    TieredCache<String, Answer> b = cache(client("b", new SimpleMeterRegistry()), "globs");
    List<String> keys = List.of("k:a1*", "k:b2*", "k:ab*", "k:d3*", "k:a1x", "k:é1*", "k:a12*");
    Map<String, Answer> entries = new LinkedHashMap<>();
    keys.forEach(key -> entries.put(key, new Answer(key, 1)));
    a.putAll(entries);
    assertThat(b.getAll(keys)).hasSize(keys.size());
    RedisGlob glob = new RedisGlob("k:[a-c]?\\*");

    PatternInvalidation result = a.invalidateMatching(glob.glob());

    assertThat(result.removed()).isEqualTo(3); // k:a1*, k:b2*, k:ab*
    await().atMost(Duration.ofSeconds(5)).until(() -> !b.inL1("k:ab*"));
    for (String key : keys) {
      assertThat(existsInL2(a, key)).as("Redis kept " + key).isEqualTo(!glob.matches(key));
      assertThat(b.inL1(key)).as("B's L1 kept " + key).isEqualTo(!glob.matches(key));
    }
  }

  @Test
  void warmingOnStartupIsVisibleBeforeTheFirstGet() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    CacheCluster cluster = client("a", metrics);
    TieredCache<String, Answer> warmed = track(TieredCache.builder(cluster, "warm-start", Answer.CODEC)
        .ttl(TtlPolicy.fixed(Duration.ofMinutes(5)))
        .warmOnStartup(() -> Map.of("faq:1", new Answer("one", 1), "faq:2", new Answer("two", 2)))
        .build());

    assertThat(warmed.inL1("faq:1")).isTrue();
    assertThat(existsInL2(warmed, "faq:2")).isTrue();
    assertThat(warmed.get("faq:1", key -> {
      throw new AssertionError("warmed: the loader must not run");
    })).isEqualTo(new Answer("one", 1));
    TieredCache<String, Answer> replica = cache(client("b", new SimpleMeterRegistry()), "warm-start");
    assertThat(replica.get("faq:2")).contains(new Answer("two", 2));
    assertThat(count(metrics, CacheMetricNames.LOADS, "kind", "warm", "result", "success")).isEqualTo(1);

    // a failing source leaves the cache cold but built
    TieredCache<String, Answer> cold = track(TieredCache.builder(cluster, "warm-broken", Answer.CODEC)
        .warmOnStartup(() -> {
          throw new IllegalStateException("catalogue unavailable");
        }).build());
    assertThat(cold.get("faq:1")).isEmpty();
    assertThat(count(metrics, CacheMetricNames.LOADS, "kind", "warm", "result", "failure")).isEqualTo(1);

    // warm over keys: only the missing ones are loaded
    AtomicInteger loads = new AtomicInteger();
    int loaded = warmed.warm(List.of("faq:1", "faq:3"), key -> new Answer("loaded " + loads.incrementAndGet(), 0));
    assertThat(loaded).isEqualTo(1);
    assertThat(warmed.get("faq:3")).contains(new Answer("loaded 1", 0));
  }

  @Test
  void periodicWarmingRefreshesValuesUntilTheCacheIsClosed() {
    AtomicInteger rounds = new AtomicInteger();
    TieredCache<String, Answer> warmed = track(TieredCache.builder(client("a", new SimpleMeterRegistry()),
        "warm-every", Answer.CODEC).ttl(TtlPolicy.fixed(Duration.ofMinutes(5)))
        .warmEvery(Duration.ofMillis(200), () -> {
          int round = rounds.incrementAndGet();
          return Map.of("prices", new Answer("round " + round, round));
        }).build());
    TieredCache<String, Answer> replica = cache(client("b", new SimpleMeterRegistry()), "warm-every");

    await().atMost(Duration.ofSeconds(10)).until(() -> warmed.get("prices").isPresent());
    int first = warmed.get("prices").orElseThrow().tokens();
    await().atMost(Duration.ofSeconds(10)).until(() -> warmed.get("prices").orElseThrow().tokens() >= first + 2);
    // the other instance follows: each round's write drops its L1 copy
    await().atMost(Duration.ofSeconds(10))
        .until(() -> replica.get("prices").orElseThrow().tokens() >= first + 3);

    warmed.close();
    int stoppedAt = rounds.get();
    await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(3)).until(() -> rounds.get() <= stoppedAt + 1);
  }

  @Test
  void badArgumentsGetATypedExceptionNamingWhatWasWrong() {
    TieredCache<String, Answer> cache = cache(client("a", new SimpleMeterRegistry()), "strict");
    Answer value = new Answer("v", 1);
    assertThatThrownBy(() -> cache.get(null)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("key must not be null");
    assertThatThrownBy(() -> cache.put("k", value, Duration.ofSeconds(-5))).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("ttl must be positive").hasMessageContaining("PT-5S");
    assertThatThrownBy(() -> cache.put("k", value, Duration.ZERO)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("ttl must be positive");
    assertThatThrownBy(() -> cache.put("k", value, Duration.ofNanos(10))).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("at least 1 ms");
    assertThatThrownBy(() -> cache.put("k", value, null)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("ttl must not be null");
    assertThatThrownBy(() -> cache.invalidateMatching("")).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("pattern must not be empty");
    assertThatThrownBy(() -> cache.invalidateMatching(null)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("pattern must not be null");
    assertThatThrownBy(() -> cache.putAll(null)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("entries must not be null");
    Map<String, Answer> withNull = new HashMap<>();
    withNull.put("good", value);
    withNull.put("bad", null);
    assertThatThrownBy(() -> cache.putAll(withNull)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("value must not be null (key 'bad')");
    Map<String, Answer> withNullKey = new HashMap<>();
    withNullKey.put(null, value);
    assertThatThrownBy(() -> cache.putAll(withNullKey)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("key must not be null");
    assertThat(existsInL2(cache, "good")).as("nothing written when an entry is refused").isFalse();
    assertThat(cache.inL1("good")).isFalse();
    assertThatThrownBy(() -> cache.warm(null, key -> value)).isInstanceOf(CacheArgumentException.class)
        .hasMessageContaining("keys must not be null");
    assertThatThrownBy(() -> cache.put("k", value, Duration.ofSeconds(-5)))
        .extracting(e -> ((CacheArgumentException) e).namespace()).isEqualTo("strict");
  }
}
