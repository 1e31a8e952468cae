package dev.headroom.core;

import static dev.headroom.core.TestPools.endpoint;
import static dev.headroom.core.TestPools.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EjectionTest {
  private final VirtualTime time = new VirtualTime();

  private Pool pool(OutlierDetection detection) {
    return Pool.create(TestPools.plain("ej", time, endpoint("a", 10), endpoint("b", 10), endpoint("c", 10),
            endpoint("d", 10))
        .outlierDetection(detection)
        .build());
  }

  private static void fail(Pool pool, String id, int times) {
    for (int i = 0; i < times; i++) {
      pool.tryAcquire(only(id)).orElseThrow().failure(new IOException("boom"));
    }
  }

  private static boolean eligible(Pool pool, String id) {
    return pool.snapshot().endpoints().stream().anyMatch(s -> s.id().equals(id));
  }

  @Test
  void ejectedAfterConsecutiveFailuresBackAfterBackoffWhichDoublesOnReEjection() {
    Pool pool = pool(OutlierDetection.builder().consecutiveFailures(3).failureRateMinRequests(0)
        .baseEjectionTime(Duration.ofSeconds(10)).maxEjectionTime(Duration.ofSeconds(100)).build());
    EndpointState a = pool.endpoint("a").orElseThrow();

    fail(pool, "a", 2);
    assertThat(eligible(pool, "a")).as("two failures are not enough").isTrue();
    fail(pool, "a", 1);
    assertThat(eligible(pool, "a")).isFalse();
    assertThat(a.health(time.read())).isEqualTo(Health.EJECTED);
    assertThat(pool.tryAcquire(only("a"))).isEmpty();

    time.advance(Duration.ofMillis(9_999));
    assertThat(eligible(pool, "a")).isFalse();
    time.advance(Duration.ofMillis(1));
    assertThat(eligible(pool, "a")).as("back after the base ejection time").isTrue();
    assertThat(a.health(time.read())).isEqualTo(Health.UP);

    fail(pool, "a", 3);
    time.advance(Duration.ofMillis(19_999));
    assertThat(eligible(pool, "a")).as("second ejection lasts twice as long").isFalse();
    time.advance(Duration.ofMillis(1));
    assertThat(eligible(pool, "a")).isTrue();
    assertThat(a.ejections()).isEqualTo(2);

    fail(pool, "a", 3);
    time.advance(Duration.ofMillis(39_999));
    assertThat(eligible(pool, "a")).as("third: four times").isFalse();
    time.advance(Duration.ofMillis(1));
    assertThat(eligible(pool, "a")).isTrue();
  }

  @Test
  void aSuccessResetsTheConsecutiveCount() {
    Pool pool = pool(OutlierDetection.builder().consecutiveFailures(3).failureRateMinRequests(0).build());
    fail(pool, "a", 2);
    pool.tryAcquire(only("a")).orElseThrow().success();
    fail(pool, "a", 2);
    assertThat(eligible(pool, "a")).isTrue();
  }

  @Test
  void failureRateOverTheWindowEjects() {
    Pool pool = pool(OutlierDetection.builder().consecutiveFailures(0).failureRateMinRequests(10)
        .failureRateThreshold(0.5).failureRateWindow(Duration.ofSeconds(10)).build());
    for (int i = 0; i < 9; i++) {
      Lease lease = pool.tryAcquire(only("a")).orElseThrow();
      if (i % 2 == 0) {
        lease.failure(new IOException("x"));
      } else {
        lease.success();
      }
    }
    assertThat(eligible(pool, "a")).as("fewer calls than the minimum").isTrue();
    fail(pool, "a", 1); // 6 of 10 failed
    assertThat(eligible(pool, "a")).isFalse();
  }

  @Test
  void neverEjectsMoreThanTheConfiguredShare() {
    Pool pool = pool(OutlierDetection.builder().consecutiveFailures(2).failureRateMinRequests(0)
        .maxEjectionShare(0.5).build());
    fail(pool, "a", 2);
    fail(pool, "b", 2);
    fail(pool, "c", 5);
    assertThat(pool.snapshot().endpoints()).extracting(EndpointState::id).containsExactly("c", "d");
    assertThat(pool.endpoint("c").orElseThrow().health(time.read())).isEqualTo(Health.UP);
  }

  @Test
  void aSingleEndpointPoolIsNeverEmptiedByOutlierDetection() {
    Pool pool = Pool.create(TestPools.plain("one", time, endpoint("only", 1))
        .outlierDetection(OutlierDetection.builder().consecutiveFailures(1).build()).build());
    fail(pool, "only", 3);
    assertThat(eligible(pool, "only")).isTrue();
  }

  @Test
  void anOpenCircuitBreakerTakesTheEndpointOutUntilItsWaitHasPassed() {
    Pool pool = Pool.create(TestPools.plain("cb", time, endpoint("a", 10), endpoint("b", 10))
        .circuitBreaker(TestPools.quickBreaker(Duration.ofSeconds(5)))
        .build());
    EndpointState a = pool.endpoint("a").orElseThrow();
    fail(pool, "a", 4);
    assertThat(a.breaker().state()).isEqualTo(BreakerState.State.OPEN);
    assertThat(eligible(pool, "a")).isFalse();
    assertThat(a.health(time.read())).isEqualTo(Health.EJECTED);

    time.advance(Duration.ofMillis(4_999));
    assertThat(eligible(pool, "a")).isFalse();
    time.advance(Duration.ofMillis(2));
    assertThat(eligible(pool, "a")).isTrue();
    Lease trial = pool.tryAcquire(only("a")).orElseThrow();
    assertThat(a.breaker().state()).isEqualTo(BreakerState.State.HALF_OPEN);
    assertThat(pool.tryAcquire(only("a"))).as("one trial call at a time when half-open").isEmpty();
    trial.success();
    assertThat(a.breaker().state()).isEqualTo(BreakerState.State.CLOSED);
  }
}
