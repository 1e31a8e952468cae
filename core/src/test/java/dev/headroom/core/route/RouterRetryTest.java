package dev.headroom.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.BackendException;
import dev.headroom.core.Deadline;
import dev.headroom.core.Endpoint;
import dev.headroom.core.EndpointState;
import dev.headroom.core.Health;
import dev.headroom.core.HeadroomMetrics;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 17 items 10 and 15: retries charged only when sent, Retry-After honoured, the lease's request deadline. */
class RouterRetryTest {
  private final VirtualTime time = new VirtualTime();

  private Pool pool(String name, int endpoints, OutlierDetection detection) {
    PoolConfig.Builder b = PoolConfig.builder(name).clock(time).noCircuitBreaker()
        .outlierDetection(detection).initialLatency(Duration.ofMillis(100));
    for (int i = 1; i <= endpoints; i++) {
      b.endpoint(Endpoint.of(name + "-" + i, URI.create("http://" + name + "-" + i), 4));
    }
    return Pool.create(b.build());
  }

  private static boolean eligible(Pool pool, String id) {
    return pool.snapshot().endpoints().stream().anyMatch(s -> s.id().equals(id));
  }

  @Test
  void aRetryWithNowhereToGoIsNeitherChargedToTheBudgetNorCountedAsSent() {
    Pool local = pool("local", 1, OutlierDetection.disabled());
    RetryBudget budget = RetryBudget.create(Duration.ofSeconds(10), 1, 0, time);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).retryBudget(budget)
        .meterRegistry(registry).build();
    long before = budget.balance();

    assertThatThrownBy(() -> router.execute(RouteOptions.builder().idempotent(true).build(), lease -> {
      throw new IOException("reset");
    })).isInstanceOf(NoCapacityException.class);

    assertThat(budget.balance()).as("the retry had no endpoint left: nothing withdrawn").isEqualTo(before);
    assertThat(registry.get(HeadroomMetrics.RETRIES).tag("result", "sent").counter().count()).isZero();
    assertThat(local.inFlight()).isZero();
  }

  @Test
  void aRetryThatIsSentIsChargedAndCounted() {
    Pool local = pool("local", 2, OutlierDetection.disabled());
    RetryBudget budget = RetryBudget.create(Duration.ofSeconds(10), 1, 0, time);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).retryBudget(budget)
        .meterRegistry(registry).build();
    long before = budget.balance();
    AtomicInteger calls = new AtomicInteger();
    router.execute(RouteOptions.builder().idempotent(true).build(), lease -> {
      if (calls.incrementAndGet() == 1) {
        throw new IOException("reset");
      }
      return "ok";
    });
    assertThat(budget.balance()).isEqualTo(before - 1);
    assertThat(registry.get(HeadroomMetrics.RETRIES).tag("result", "sent").counter().count()).isEqualTo(1);
  }

  @Test
  void the503And429RepliesAreBusy() {
    FailureClassifier classifier = FailureClassifier.defaults();
    assertThat(classifier.classify(new BackendException("e", 503, "unavailable"))).isEqualTo(FailureKind.BUSY);
    assertThat(classifier.classify(new BackendException("e", 429, "slow down"))).isEqualTo(FailureKind.BUSY);
    assertThat(classifier.classify(new BackendException("e", 500, "oops"))).isEqualTo(FailureKind.FAILED);
  }

  @Test
  void anEndpointThatAskedForRetryAfterIsNotPickedUntilThenAndIsNotEjected() {
    // one failure would eject: a busy reply must not count as one
    Pool local = pool("local", 2, OutlierDetection.builder().consecutiveFailures(1).failureRateMinRequests(0)
        .build());
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).build();
    List<String> seen = new ArrayList<>();
    String served = router.execute(lease -> {
      seen.add(lease.endpoint().id());
      if (seen.size() == 1) {
        throw new BackendException(lease.endpoint().id(), 503, "overloaded", "", null, Duration.ofSeconds(5));
      }
      return lease.endpoint().id();
    });
    String busy = seen.get(0);
    assertThat(served).isNotEqualTo(busy);
    EndpointState state = local.endpoint(busy).orElseThrow();

    for (int i = 0; i < 20; i++) {
      String id = router.execute(lease -> lease.endpoint().id());
      assertThat(id).isNotEqualTo(busy);
    }
    time.advance(Duration.ofMillis(4_999));
    assertThat(eligible(local, busy)).as("still within its Retry-After").isFalse();
    assertThat(state.ejections()).as("backpressure is not a failure").isZero();
    assertThat(state.health(time.read())).isEqualTo(Health.UP);
    assertThat(state.failureRate(time.read())).isZero();
    time.advance(Duration.ofMillis(1));
    assertThat(eligible(local, busy)).as("back once the Retry-After has passed").isTrue();
  }

  @Test
  void aRetryAfterAboveThePoolCapIsCapped() {
    Pool local = Pool.create(PoolConfig.builder("capped").clock(time).noCircuitBreaker()
        .outlierDetection(OutlierDetection.disabled()).maxRetryAfter(Duration.ofSeconds(30))
        .endpoint(Endpoint.of("a", URI.create("http://a"), 1))
        .endpoint(Endpoint.of("b", URI.create("http://b"), 1))
        .build());
    local.tryAcquire(s -> s.id().equals("a")).orElseThrow().busy(Duration.ofDays(1));
    time.advance(Duration.ofMillis(29_999));
    assertThat(eligible(local, "a")).isFalse();
    time.advance(Duration.ofMillis(1));
    assertThat(eligible(local, "a")).as("a hostile Retry-After: 86400 is cut to the pool's cap").isTrue();
  }

  @Test
  void theRouterGivesEachLeaseTheRequestsRemainingDeadline() {
    Pool local = pool("local", 3, OutlierDetection.disabled());
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).build();
    List<Duration> remaining = new ArrayList<>();
    String served = router.execute(RouteOptions.builder().idempotent(true).timeout(Duration.ofSeconds(1)).build(),
        lease -> {
          remaining.add(lease.deadline().remaining());
          if (remaining.size() < 3) {
            time.advance(Duration.ofMillis(300));
            throw new IOException("slow failure");
          }
          return "ok";
        });
    assertThat(served).isEqualTo("ok");
    assertThat(remaining).containsExactly(Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ofMillis(400));
    assertThat(Deadline.after(Duration.ofMillis(400), time).cap(Duration.ofSeconds(30)))
        .as("an attempt's call gets what is left, not a fresh per-call timeout").isEqualTo(Duration.ofMillis(400));
  }

  @Test
  void aLeaseWithoutARequestTimeoutHasNoDeadline() {
    Pool local = pool("local", 1, OutlierDetection.disabled());
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).build();
    Deadline seen = router.execute(lease -> lease.deadline());
    assertThat(seen.isFinite()).isFalse();
    assertThat(seen.remaining()).isEqualTo(Duration.ofDays(365));
    assertThat(seen.cap(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    assertThat(local.acquire(Duration.ZERO).deadline()).isSameAs(Deadline.none());
  }

  @Test
  void anExpiredDeadlineLeavesNothing() {
    Deadline d = Deadline.after(Duration.ofMillis(10), time);
    time.advance(Duration.ofMillis(20));
    assertThat(d.remaining()).isEqualTo(Duration.ZERO);
    assertThat(d.cap(Duration.ofSeconds(1))).as("never zero: clients reject it or read it as no timeout")
        .isEqualTo(Deadline.MIN_CAP).isEqualTo(Duration.ofMillis(1));
    assertThat(d.cap(Duration.ZERO)).isEqualTo(Duration.ofMillis(1));
  }
}
