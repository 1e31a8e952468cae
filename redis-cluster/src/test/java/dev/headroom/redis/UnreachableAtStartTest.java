package dev.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.Health;
import dev.headroom.testkit.redis.RedisClusterFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A cache whose Redis is not there yet when it starts. */
class UnreachableAtStartTest {

  @Test
  void startsL1OnlyWithL2DownThenUsesL2OnceItIsReachable() {
    try (RedisClusterFixture redis = RedisClusterFixture.builder().build()) { // ports chosen, nothing started
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      try (CacheCluster cluster = TestClusters.client(redis, "early", metrics).build();
          TieredCache<String, Answer> cache = TieredCache.builder(cluster, "early", Answer.CODEC)
              .build()) {
        assertThat(cluster.health()).isEqualTo(Health.DOWN);
        assertThat(TestClusters.gauge(metrics, CacheMetricNames.L2_UP)).isZero();

        AtomicInteger loads = new AtomicInteger();
        assertThat(cache.get("k", key -> new Answer("loaded " + loads.incrementAndGet(), 1)).text())
            .isEqualTo("loaded 1");
        assertThat(cache.get("k", key -> new Answer("loaded " + loads.incrementAndGet(), 1)).text())
            .as("served from L1").isEqualTo("loaded 1");
        assertThat(cache.put("p", new Answer("local", 1))).as("not acknowledged by L2").isFalse();
        assertThat(cache.get("p")).contains(new Answer("local", 1));
        assertThat(cache.get("never")).isEmpty();

        redis.startCluster();
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.health() == Health.UP);
        assertThat(TestClusters.gauge(metrics, CacheMetricNames.L2_UP)).isEqualTo(1);
        assertThat(cache.l1Size()).as("L1 cleared when L2 came up").isZero();

        assertThat(cache.put("p", new Answer("shared", 2))).isTrue();
        try (CacheCluster other = TestClusters.client(redis, "other").build();
            TieredCache<String, Answer> second = TieredCache.builder(other, "early", Answer.CODEC)
                .build()) {
          assertThat(second.get("p")).contains(new Answer("shared", 2));
        }
      }
    }
  }
}
