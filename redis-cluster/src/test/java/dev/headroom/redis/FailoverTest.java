package dev.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.testkit.redis.RedisClusterFixture;
import dev.headroom.testkit.redis.RedisNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.headroom.testkit.redis.ClusterNodeInfo;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code kill -9} of a master under load, on a cluster of its own. */
class FailoverTest {
  private static final Pattern TOKENS = Pattern.compile("\"tokens\":(-?\\d+)");

  @Test
  void aKilledMasterIsFailedOverWithoutCallerErrorsOrLosingAnAcknowledgedDurableWrite() throws Exception {
    try (RedisClusterFixture redis = RedisClusterFixture.start();
        CacheCluster cluster = TestClusters.client(redis, "failover", new SimpleMeterRegistry())
            .readTimeout(Duration.ofMillis(200)).commandTimeout(Duration.ofMillis(500)).build();
        TieredCache<String, Answer> durable = TieredCache.builder(cluster, "orders", Answer.CODEC)
            .durableWrites(1, Duration.ofMillis(500)).ttl(TtlPolicy.fixed(Duration.ofMinutes(10))).build();
        TieredCache<String, Answer> plain = TieredCache.builder(cluster, "plain", Answer.CODEC)
            .ttl(TtlPolicy.fixed(Duration.ofMinutes(10))).build();
        TieredCache<String, Answer> catalog = TieredCache.builder(cluster, "catalog", Answer.CODEC)
            .withoutL1().ttl(TtlPolicy.fixed(Duration.ofMinutes(10))).build()) { // every read goes to L2

      RedisNode victim = redis.masterForKey(plain.redisKey("probe"));
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger callerExceptions = new AtomicInteger();
      AtomicLong reads = new AtomicLong();
      Map<String, Long> lastAcked = new ConcurrentHashMap<>();
      Map<String, Long> lastAttempted = new ConcurrentHashMap<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int reader = t;
        threads.add(new Thread(() -> {
          for (long i = 0; running.get(); i++) {
            try {
              String key = "r" + reader + "-" + (i % 200);
              catalog.get(key, k -> new Answer(k, 0));
              reads.incrementAndGet();
              LockSupport.parkNanos(200_000); // pace the load: about 5000 reads/s per thread at most
            } catch (Throwable e) {
              callerExceptions.incrementAndGet();
            }
          }
        }, "reader-" + t));
        int writer = t;
        threads.add(new Thread(() -> {
          for (long seq = 1; running.get(); seq++) {
            String key = "w" + writer + "-" + (seq % 100);
            try {
              LockSupport.parkNanos(200_000);
              lastAttempted.put(key, seq);
              if (durable.put(key, new Answer(key, (int) seq))) {
                lastAcked.put(key, seq);
              }
            } catch (Throwable e) {
              callerExceptions.incrementAndGet();
            }
          }
        }, "writer-" + t));
      }
      threads.forEach(Thread::start);
      await().atMost(Duration.ofSeconds(20)).until(() -> lastAcked.size() >= 150 && reads.get() > 500);
      List<ClusterNodeInfo> before = redis.topology();
      ClusterNodeInfo victimInfo = before.stream().filter(i -> i.port() == victim.port()).findFirst().orElseThrow();
      long ackedBeforeKill = lastAcked.keySet().stream()
          .filter(k -> victimInfo.servesSlot(SlotHash.getSlot(durable.redisKey(k)))).count();

      long killedAt = System.nanoTime();
      redis.kill(victim);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
          .until(() -> plain.put("probe", new Answer("after", 1)));
      long writableAfterMillis = (System.nanoTime() - killedAt) / 1_000_000;
      RedisNode promoted = redis.awaitFailover(victim, Duration.ofSeconds(30));

      redis.restart(victim); // rejoins as a replica of the promoted node, so WAIT 1 can succeed again
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
          .until(() -> durable.put("durable-probe-" + System.nanoTime() % 1, new Answer("durable", 1))
              && redis.masterForKey(durable.redisKey("durable-probe-0")) == promoted);
      long durableAfterMillis = (System.nanoTime() - killedAt) / 1_000_000;
      running.set(false);
      for (Thread thread : threads) {
        thread.join(10_000);
      }
      System.out.printf("FAILOVER: kill -9 of master :%d; writes succeeded again after %d ms (replica :%d promoted);"
          + " durable writes (WAIT 1) after %d ms, once the killed node had rejoined as a replica; %d reads, %d keys"
          + " with acknowledged writes (%d on the killed master before the kill)%n", victim.port(),
          writableAfterMillis, promoted.port(), durableAfterMillis, reads.get(), lastAcked.size(), ackedBeforeKill);

      assertThat(callerExceptions).as("exceptions that reached callers").hasValue(0);
      assertThat(ackedBeforeKill).isPositive();
      assertThat(writableAfterMillis).as("bounded").isLessThan(30_000);
      redis.awaitClusterOk(Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.health() == dev.headroom.core.Health.UP);
      int checked = 0;
      for (Map.Entry<String, Long> acked : lastAcked.entrySet()) {
        byte[] bytes = cluster.l2().get(durable.redisKey(acked.getKey()), true).get(5, TimeUnit.SECONDS);
        String stored = bytes == null ? "(absent)" : new String(bytes, StandardCharsets.UTF_8);
        Matcher tokens = TOKENS.matcher(stored);
        boolean lastWriteAcked = acked.getValue().equals(lastAttempted.get(acked.getKey()));
        if (lastWriteAcked) {
          assertThat(tokens.find()).as("acknowledged write of %s lost: %s", acked.getKey(), stored).isTrue();
          assertThat(Long.parseLong(tokens.group(1))).as(acked.getKey()).isEqualTo(acked.getValue());
        } else if (tokens.find()) {
          // a later, unacknowledged write may have landed, or the key was deleted to avoid a stale value
          assertThat(Long.parseLong(tokens.group(1))).as(acked.getKey()).isGreaterThanOrEqualTo(acked.getValue());
        }
        checked++;
      }
      assertThat(checked).isEqualTo(lastAcked.size());
    }
  }
}
