package dev.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import dev.headroom.core.Health;
import dev.headroom.testkit.redis.RedisClusterFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cluster that requires a password given in the seed URIs, and keys that are not valid UTF-16. */
class CredentialsAndKeysTest {
  private static final String SECRET = "Sup3rSecretPw";
  private static RedisClusterFixture redis;

  @BeforeAll
  static void startCluster() {
    redis = RedisClusterFixture.builder().replicasPerMaster(0).nodeTimeout(Duration.ofSeconds(5)).password(SECRET)
        .start();
  }

  @AfterAll
  static void stopCluster() {
    redis.close();
  }

  private static List<URI> seedsWithPassword() {
    return redis.nodes().stream().map(n -> URI.create("redis://:" + SECRET + "@127.0.0.1:" + n.port())).toList();
  }

  @Test
  void thePasswordInTheSeedUrisAuthenticatesAndIsNeverShown() {
    try (CacheCluster cluster = TestClusters.client(redis, "auth").seeds(seedsWithPassword()).build();
        TieredCache<String, Answer> cache = TieredCache.builder(cluster, "auth", Answer.CODEC).build()) {
      assertThat(cluster.health()).as("authenticated with the URI's password").isEqualTo(Health.UP);
      assertThat(cache.put("k", new Answer("v", 1))).isTrue();
      String key = cache.redisKey("k");
      assertThat(redis.command(redis.masterForKey(key), "GET", key)).contains("\"text\":\"v\"");
      assertThat(cluster.toString()).doesNotContain(SECRET).contains("127.0.0.1");
      assertThat(cluster.settings().toString()).doesNotContain(SECRET);
    }
  }

  @Test
  void withoutThePasswordTheClusterStaysDown() {
    try (CacheCluster cluster = TestClusters.client(redis, "noauth").connectTimeout(Duration.ofMillis(500))
        .build()) {
      assertThat(cluster.health()).isEqualTo(Health.DOWN);
    }
  }

  @Test
  void rejectedSeedsAreNamedWithoutTheirPassword() {
    assertThatThrownBy(() -> CacheCluster.builder().seeds(List.of(URI.create("http://:" + SECRET + "@h:1"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http://h:1").hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> CacheCluster.builder().seeds(List.of(URI.create("redis://:" + SECRET + "@h:1"),
        URI.create("redis://:other" + SECRET + "@h:2")))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("other credentials").hasMessageNotContaining(SECRET);
  }

  @Test
  void keysWithUnpairedSurrogatesAreRefusedRatherThanCollidingInRedis() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (CacheCluster cluster = TestClusters.client(redis, "keys", metrics).seeds(seedsWithPassword()).build();
        TieredCache<String, Answer> cache = TieredCache.builder(cluster, "keys", Answer.CODEC).withoutL1()
            .build()) {
      String high = "user-\uD800";
      String low = "user-\uDC00";
      // both would be written to Redis as "user-?" and read each other's value
      assertThatThrownBy(() -> cache.put(high, new Answer("high", 1))).isInstanceOf(CacheArgumentException.class)
          .hasMessageContaining("unpaired UTF-16 surrogate at index 5");
      assertThatThrownBy(() -> cache.get(low, key -> new Answer("low", 2)))
          .isInstanceOf(CacheArgumentException.class).hasMessageContaining("surrogate");
      assertThatThrownBy(() -> cache.get("\uDC00\uD800")).isInstanceOf(CacheArgumentException.class)
          .hasMessageContaining("index 0");
      assertThat(cache.get("user-?")).isEmpty();

      String pair = "user-\uD83D\uDE00"; // a valid pair is a normal key
      assertThat(cache.put(pair, new Answer("emoji", 3))).isTrue();
      assertThat(cache.get(pair)).contains(new Answer("emoji", 3));
      assertThat(cache.get("user-?")).isEmpty();
    }
  }
}
