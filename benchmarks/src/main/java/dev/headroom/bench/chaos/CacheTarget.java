package dev.headroom.bench.chaos;

import dev.headroom.core.Health;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.JacksonCodec;
import dev.headroom.redis.TieredCache;
import dev.headroom.testkit.redis.RedisClusterFixture;
import dev.headroom.testkit.redis.RedisNode;
import io.lettuce.core.ReadFrom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Two app instances sharing a {@link TieredCache} on a real Redis Cluster (3 masters, 1 replica each) with durable
 * writes. Each client writes its own keys with rising versions through instance A and remembers which writes were
 * acknowledged; every other request reads a hot key through instance B. The schedule kills a master (a replica
 * takes over) and later brings it back. At the end a third instance, with an empty L1, reads every acknowledged
 * key from Redis: a version older than the acknowledged one is a lost write.
 */
final class CacheTarget implements SoakTarget {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final RedisClusterFixture redis = RedisClusterFixture.builder().build().startCluster();
  private final CacheCluster a = cluster("soak-a");
  private final CacheCluster b = cluster("soak-b");
  private final TieredCache<String, String> writer = cache(a);
  private final TieredCache<String, String> reader = cache(b);
  private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
  private final AtomicReference<RedisNode> killed = new AtomicReference<>();

  private CacheCluster cluster(String name) {
    return CacheCluster.builder().name(name).seeds(redis.uris()).commandTimeout(Duration.ofMillis(500)).build();
  }

  private static TieredCache<String, String> cache(CacheCluster cluster) {
    return TieredCache.builder(cluster, "soak", JacksonCodec.of(String.class, 1))
        .l1(10_000, Duration.ofSeconds(30))
        .durableWrites(1, Duration.ofMillis(500))
        .build();
  }

  @Override
  public String name() {
    return "redis-cluster cache";
  }

  @Override
  public Duration pause() {
    return Duration.ofMillis(2);
  }

  @Override
  public Duration timeout() {
    return TIMEOUT;
  }

  @Override
  public int clients() {
    return 8;
  }

  @Override
  public void request(int client, long seq) {
    if (seq % 4 == 0) {
      String key = "w" + client + ":" + (seq / 4 % 64);
      if (writer.put(key, Long.toString(seq))) {
        acknowledged.merge(key, seq, Math::max); // one writer per key: versions only rise
      }
    } else {
      String key = "hot:" + (seq % 256);
      String value = reader.get(key, k -> "loaded " + k);
      if (!value.equals("loaded " + key)) {
        throw new IllegalStateException("wrong value for " + key + ": " + value);
      }
    }
  }

  @Override
  public List<Fault> faults() {
    return List.of(new Fault("a Redis master killed (kill -9), then restarted as a replica", () -> {
      RedisNode master = redis.masters().get(0);
      killed.set(master);
      redis.kill(master);
    }, () -> {
      RedisNode master = killed.getAndSet(null);
      redis.awaitFailover(master, Duration.ofSeconds(30));
      redis.restart(master);
      redis.awaitClusterOk(Duration.ofSeconds(30));
    }));
  }

  @Override
  public Map<String, Long> leftovers() {
    long lost = 0;
    // read from the masters: a replica still resyncing after the last restart may serve an old or empty dataset
    try (CacheCluster fresh = CacheCluster.builder().name("soak-check").seeds(redis.uris())
            .commandTimeout(Duration.ofSeconds(2)).readFrom(ReadFrom.UPSTREAM).build();
        TieredCache<String, String> check = TieredCache.builder(fresh, "soak", JacksonCodec.of(String.class, 1))
            .withoutL1().build()) {
      // L2 counts as down until its first probe passes: read only once it is up, or every key would look lost
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (fresh.health() != Health.UP && System.nanoTime() < until) {
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
      if (fresh.health() != Health.UP) {
        throw new IllegalStateException("the checking instance never saw L2 up");
      }
      for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
        long stored = check.get(e.getKey()).map(Long::parseLong).orElse(-1L);
        if (stored < e.getValue()) {
          lost++;
        }
      }
    }
    Map<String, Long> left = new LinkedHashMap<>();
    left.put("acknowledged writes lost", lost);
    return left;
  }

  @Override
  public Map<String, Long> facts() {
    return Map.of("acknowledged keys checked", (long) acknowledged.size());
  }

  @Override
  public void close() {
    writer.close();
    reader.close();
    a.close();
    b.close();
    redis.close();
  }
}
