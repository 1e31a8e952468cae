package dev.headroom.redis;

import dev.headroom.testkit.redis.RedisClusterFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DebugProbeTest {
  @Test
  void probe() throws Exception {
    try (RedisClusterFixture redis = RedisClusterFixture.start()) {
      SimpleMeterRegistry mb = new SimpleMeterRegistry();
      try (CacheCluster a = TestClusters.client(redis, "a").build(); CacheCluster b = TestClusters.client(redis, "b", mb).build();
           TieredCache<String, Answer> ca = TieredCache.<String, Answer>builder(a, "shared", Answer.CODEC).build();
           TieredCache<String, Answer> cb = TieredCache.<String, Answer>builder(b, "shared", Answer.CODEC).build()) {
        String channel = b.bus().channelOf("shared");
        for (int i = 0; i < 10; i++) {
          System.out.println("numsub " + redis.command(redis.masterForKey(channel), "PUBSUB", "SHARDNUMSUB", channel).replace("\n", " "));
          ca.put("k", new Answer("v" + i, i));
          cb.get("k");
          System.out.println("inL1 " + cb.inL1("k") + " received " + TestClusters.count(mb, CacheMetricNames.INVALIDATIONS, "direction", "received")
              + " clears " + TestClusters.count(mb, CacheMetricNames.L1_CLEARS));
          Thread.sleep(300);
        }
      }
    }
  }
}
