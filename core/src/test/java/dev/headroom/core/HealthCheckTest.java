package dev.headroom.core;

import static dev.headroom.core.TestPools.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.time.VirtualTime;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthCheckTest {
  private final VirtualTime time = new VirtualTime();
  private final Map<String, Boolean> healthy = new ConcurrentHashMap<>(Map.of("a", true, "b", true));
  private final AtomicInteger probes = new AtomicInteger();

  private Pool pool(HealthProbe probe) {
    return Pool.create(TestPools.plain("hc", time, endpoint("a", 1), endpoint("b", 1))
        .random(RandomSource.seeded(11))
        .healthCheck(HealthCheck.builder(probe).interval(Duration.ofSeconds(10)).jitter(0)
            .timeout(Duration.ofSeconds(1)).unhealthyThreshold(2).healthyThreshold(2).build())
        .build());
  }

  @Test
  void probesMarkAnEndpointDownAfterTheThresholdAndUpAgainAfterTheirs() {
    Pool pool = pool(e -> {
      probes.incrementAndGet();
      return CompletableFuture.completedFuture(healthy.get(e.id()));
    });
    healthy.put("a", false);
    time.advance(Duration.ofSeconds(10)); // first probe of each endpoint, at a random point of the first interval
    assertThat(pool.endpoint("a").orElseThrow().health(time.read())).as("one failure is below the threshold")
        .isEqualTo(Health.UP);
    time.advance(Duration.ofSeconds(10)); // the second probe, one interval later
    assertThat(pool.endpoint("a").orElseThrow().health(time.read())).isEqualTo(Health.DOWN);
    assertThat(pool.snapshot().endpoints()).extracting(EndpointState::id).containsExactly("b");

    healthy.put("a", true);
    time.advance(Duration.ofSeconds(10));
    assertThat(pool.endpoint("a").orElseThrow().health(time.read())).as("one pass is below the threshold")
        .isEqualTo(Health.DOWN);
    time.advance(Duration.ofSeconds(10));
    assertThat(pool.endpoint("a").orElseThrow().health(time.read())).isEqualTo(Health.UP);
    assertThat(probes.get()).isEqualTo(8);
    pool.close();
    int before = probes.get();
    time.advance(Duration.ofMinutes(5));
    assertThat(probes.get()).as("no probes after close").isEqualTo(before);
  }

  @Test
  void aProbeThatNeverAnswersCountsAsFailedAfterItsTimeout() {
    Pool pool = pool(e -> e.id().equals("a") ? new CompletableFuture<>() : CompletableFuture.completedFuture(true));
    time.advance(Duration.ofSeconds(35));
    assertThat(pool.endpoint("a").orElseThrow().health(time.read())).isEqualTo(Health.DOWN);
    assertThat(pool.endpoint("b").orElseThrow().health(time.read())).isEqualTo(Health.UP);
  }

  @Test
  void aProbeThatThrowsCountsAsFailed() {
    Pool pool = pool(e -> {
      throw new IllegalStateException("probe bug");
    });
    time.advance(Duration.ofSeconds(35));
    assertThat(pool.snapshot().size()).isZero();
  }
}
