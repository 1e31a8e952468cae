package dev.headroom.spring.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.OllamaNode;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.TtlPolicy;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.redis.RedisClusterFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two LLM routers (two "processes") sharing answers through the real Redis Cluster. */
class RedisResponseCacheTest {
  private static final String MODEL = "llama3.2:latest";
  private static RedisClusterFixture redis;
  private static FakeOllama node;

  @BeforeAll
  static void start() {
    redis = RedisClusterFixture.builder().start();
    node = FakeOllama.builder("gpu-1").loaded(MODEL).start();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static CacheCluster client(String name) {
    return CacheCluster.builder().name(name).seeds(redis.uris()).probeInterval(Duration.ofMillis(200))
        .topologyRefreshPeriod(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(2))
        .commandTimeout(Duration.ofSeconds(3)).build();
  }

  private static LlmRouter router(RedisResponseCache cache) {
    return LlmRouter.builder().node(OllamaNode.of("gpu-1", node.uri(), 2)).responseCache(cache).build();
  }

  @Test
  void aDeterministicAnswerFromOneRouterIsServedToAnotherFromRedis() throws Exception {
    try (CacheCluster a = client("a"); CacheCluster b = client("b");
        RedisResponseCache cacheA = RedisResponseCache.create(a, TtlPolicy.fixed(Duration.ofMinutes(10)));
        RedisResponseCache cacheB = RedisResponseCache.create(b, TtlPolicy.fixed(Duration.ofMinutes(10)));
        LlmRouter first = router(cacheA);
        LlmRouter second = router(cacheB)) {
      ChatRequest deterministic = ChatRequest.chat(MODEL).user("What is a tier?").temperature(0).build();
      long before = node.generations();

      ChatResponse computed = first.chat(deterministic);
      assertThat(computed.fromCache()).isFalse();
      ChatResponse shared = second.chat(deterministic);

      assertThat(shared.fromCache()).as("served from Redis, written by the other router").isTrue();
      assertThat(shared.text()).isEqualTo(computed.text());
      assertThat(node.generations() - before).as("the model ran once for both routers").isEqualTo(1);

      ChatResponse creative = second.chat(ChatRequest.chat(MODEL).user("What is a tier?").temperature(0.8).build());
      assertThat(creative.fromCache()).as("a non-deterministic request never reads the cache").isFalse();
      assertThat(node.generations() - before).isEqualTo(2);
    }
  }
}
