package dev.headroom.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.BackendException;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.SpillReason;
import dev.headroom.core.TierAttempt;
import dev.headroom.core.time.VirtualTime;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouterTest {
  private final VirtualTime time = new VirtualTime();

  private Pool pool(String name, int endpoints, int limit) {
    PoolConfig.Builder b = PoolConfig.builder(name).clock(time).noCircuitBreaker()
        .outlierDetection(OutlierDetection.disabled()).initialLatency(Duration.ofMillis(100));
    for (int i = 1; i <= endpoints; i++) {
      b.endpoint(Endpoint.of(name + "-" + i, URI.create("http://" + name + "-" + i), limit));
    }
    return Pool.create(b.build());
  }

  @Test
  void aFailureAfterTheRequestTimeoutEndsItWithoutSpendingTheRetryBudget() {
    Pool local = pool("local", 2, 1);
    RetryBudget budget = RetryBudget.create(Duration.ofSeconds(10), 1, 0, time);
    Router router = Router.builder("r").tier("local", local, Duration.ofSeconds(1)).retryBudget(budget).build();
    long before = budget.balance();
    CompletableFuture<String> timedOut = new CompletableFuture<>();
    CompletableFuture<String> result = router.executeAsync(
        RouteOptions.builder().idempotent(true).timeout(Duration.ofMillis(500)).build(), lease -> timedOut);
    time.advance(Duration.ofMillis(500));
    timedOut.completeExceptionally(new java.util.concurrent.TimeoutException("client timeout"));

    assertThat(result).isCompletedExceptionally();
    NoCapacityException e = (NoCapacityException) result.handle((v, t) -> t).join();
    assertThat(e.lastReason()).isEqualTo(SpillReason.DEADLINE);
    assertThat(budget.balance()).as("no retry was withdrawn").isEqualTo(before);
    assertThat(local.inFlight()).isZero();
  }

  @Test
  void spillsToTheNextTierAtOnceWhenThePredictedWaitExceedsTheBudget() {
    Pool local = pool("local", 1, 1);
    Pool cloud = pool("cloud", 1, 100);
    Router router = Router.builder("r").tier("local", local, Duration.ofMillis(50))
        .tier("cloud", cloud, Duration.ZERO).build();
    Lease busy = local.acquire(Duration.ZERO); // local full; predicted wait 100 ms > 50 ms
    String served = router.execute(lease -> lease.endpoint().id());
    assertThat(served).isEqualTo("cloud-1");
    assertThat(local.queueDepth()).as("spilled without queueing").isZero();
    busy.success();
  }

  @Test
  void waitsUpToTheBudgetThenSpillsWhenTheSlotDoesNotFree() {
    Pool local = pool("local", 1, 1);
    Pool cloud = pool("cloud", 1, 100);
    Router router = Router.builder("r").tier("local", local, Duration.ofMillis(300))
        .tier("cloud", cloud, Duration.ZERO).build();
    local.acquire(Duration.ZERO); // predicted 100 ms: within budget, so the request waits
    CompletableFuture<String> served = router.executeAsync(RouteOptions.defaults(),
        lease -> CompletableFuture.completedFuture(lease.endpoint().id()));
    assertThat(local.queueDepth()).isEqualTo(1);
    time.advance(Duration.ofMillis(299));
    assertThat(served).isNotDone();
    time.advance(Duration.ofMillis(1));
    assertThat(served.join()).isEqualTo("cloud-1");
  }

  @Test
  void aSlotThatFreesWithinTheBudgetKeepsTheRequestLocal() {
    Pool local = pool("local", 1, 1);
    Pool cloud = pool("cloud", 1, 100);
    Router router = Router.builder("r").tier("local", local, Duration.ofMillis(300))
        .tier("cloud", cloud, Duration.ZERO).build();
    Lease held = local.acquire(Duration.ZERO);
    CompletableFuture<String> served = router.executeAsync(RouteOptions.defaults(),
        lease -> CompletableFuture.completedFuture(lease.endpoint().id()));
    time.advance(Duration.ofMillis(100));
    held.success();
    assertThat(served.join()).isEqualTo("local-1");
  }

  @Test
  void whenEveryTierIsPassedTheErrorListsEachTierAndWhy() {
    Pool local = pool("local", 1, 1);
    Pool cloud = pool("cloud", 1, 1);
    Router router = Router.builder("r").tier("local", local, Duration.ofMillis(50))
        .tier("cloud", cloud, Duration.ZERO).build();
    local.acquire(Duration.ZERO);
    cloud.drain("cloud-1");
    assertThatThrownBy(() -> router.execute(lease -> "never"))
        .isInstanceOfSatisfying(NoCapacityException.class, e -> {
          assertThat(e.attempts()).extracting(TierAttempt::tier, TierAttempt::reason).containsExactly(
              org.assertj.core.groups.Tuple.tuple("local", SpillReason.SATURATED),
              org.assertj.core.groups.Tuple.tuple("cloud", SpillReason.NO_HEALTHY_ENDPOINT));
          assertThat(e.getMessage()).contains("local=SATURATED", "predicted wait 100 ms > budget 50 ms",
              "cloud=NO_HEALTHY_ENDPOINT");
        });
  }

  @Test
  void aRetryableFailureIsRetriedOnAnotherEndpointOfTheSameTier() {
    Pool local = pool("local", 3, 10);
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).build();
    List<String> seen = new CopyOnWriteArrayList<>();
    String served = router.execute(RouteOptions.builder().idempotent(true).build(), lease -> {
      seen.add(lease.endpoint().id());
      if (seen.size() == 1) {
        throw new IOException("reset by " + lease.endpoint().id());
      }
      return lease.endpoint().id();
    });
    assertThat(seen).hasSize(2).doesNotHaveDuplicates();
    assertThat(served).isEqualTo(seen.get(1));
    assertThat(local.inFlight()).isZero();
  }

  @Test
  void aNonIdempotentCallIsNotResentAfterItWasSentButIsAfterAConnectFailure() {
    Pool local = pool("local", 2, 10);
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).build();
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> router.execute(lease -> {
      calls.incrementAndGet();
      throw new IOException("reset after send");
    })).isInstanceOf(BackendException.class).hasCauseInstanceOf(IOException.class);
    assertThat(calls).hasValue(1);

    calls.set(0);
    String served = router.execute(lease -> {
      if (calls.incrementAndGet() == 1) {
        throw new ConnectException("refused");
      }
      return "ok";
    });
    assertThat(served).isEqualTo("ok");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aClientErrorIsThrownAsIsAndNotRetried() {
    Pool local = pool("local", 2, 10);
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).build();
    AtomicInteger calls = new AtomicInteger();
    BackendException badRequest = new BackendException("local-1", 400, "bad prompt");
    assertThatThrownBy(() -> router.execute(RouteOptions.builder().idempotent(true).build(), lease -> {
      calls.incrementAndGet();
      throw badRequest;
    })).isSameAs(badRequest);
    assertThat(calls).hasValue(1);
  }

  @Test
  void underAFullOutageRetriesStayWithinTheRetryBudget() {
    Pool local = pool("local", 3, 10);
    RetryBudget budget = RetryBudget.create(Duration.ofSeconds(10), 10, 0.2, time);
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).retryBudget(budget).maxAttempts(3)
        .build();
    AtomicInteger calls = new AtomicInteger();
    int requests = 1_000;
    int failed = 0;
    for (int i = 0; i < requests; i++) {
      try {
        router.execute(RouteOptions.builder().idempotent(true).build(), lease -> {
          calls.incrementAndGet();
          throw new IOException("down");
        });
      } catch (NoCapacityException e) {
        failed++;
      }
    }
    assertThat(failed).isEqualTo(requests);
    // without a budget: 3 calls per request = 3000. With it: 1000 + reserve 100 + 20% of 1000.
    assertThat(calls.get()).isLessThanOrEqualTo(requests + 100 + 200).isGreaterThanOrEqualTo(requests + 100);

    time.advance(Duration.ofSeconds(11)); // the window has passed: the reserve is back
    assertThat(budget.balance()).isEqualTo(100);
  }

  @Test
  void aBusyReplyIsReroutedAtOnceWithoutPenalizingTheEndpoint() {
    Pool local = pool("local", 2, 10);
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).build();
    AtomicInteger calls = new AtomicInteger();
    String served = router.execute(lease -> {
      if (calls.incrementAndGet() == 1) {
        throw new BackendException(lease.endpoint().id(), 429, "busy");
      }
      return lease.endpoint().id();
    });
    assertThat(calls).hasValue(2);
    assertThat(local.endpoints()).allSatisfy(s -> assertThat(s.failureRate(time.read())).isZero());
    assertThat(served).isNotNull();
  }

  @Test
  void aFailedTierSpillsToTheNextWithRetryableFailure() {
    Pool local = pool("local", 1, 10);
    Pool cloud = pool("cloud", 1, 10);
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).tier("cloud", cloud, Duration.ZERO)
        .build();
    String served = router.execute(RouteOptions.builder().idempotent(true).build(), lease -> {
      if (lease.pool().equals("local")) {
        throw new IOException("500");
      }
      return lease.endpoint().id();
    });
    assertThat(served).isEqualTo("cloud-1");
  }

  @Test
  void theRequestTimeoutEndsWaitingWithDeadline() {
    Pool local = pool("local", 1, 1);
    Router router = Router.builder("r").tier("local", local, Duration.ofSeconds(10)).build();
    local.acquire(Duration.ZERO);
    CompletableFuture<String> served = router.executeAsync(
        RouteOptions.builder().timeout(Duration.ofMillis(200)).build(),
        lease -> CompletableFuture.completedFuture("never"));
    time.advance(Duration.ofMillis(200));
    assertThatThrownBy(served::join).hasCauseInstanceOf(NoCapacityException.class)
        .hasMessageContaining("local=DEADLINE");
  }

  @Test
  void aDetachedLeaseStaysOpenUntilTheCallerEndsIt() {
    Pool local = pool("local", 1, 1);
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).build();
    Lease kept = router.execute(lease -> {
      lease.detach();
      return lease;
    });
    assertThat(local.inFlight()).isEqualTo(1);
    kept.success();
    assertThat(local.inFlight()).isZero();
  }

  @Test
  void asyncCallsAreRetriedLikeBlockingOnes() {
    Pool local = pool("local", 2, 10);
    Router router = Router.builder("r").tier("local", local, Duration.ZERO).build();
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> served = router.executeAsync(RouteOptions.builder().idempotent(true).build(), lease ->
        calls.incrementAndGet() == 1
            ? CompletableFuture.failedFuture(new IOException("first fails"))
            : CompletableFuture.completedFuture(lease.endpoint().id()));
    assertThat(served.join()).startsWith("local-");
    assertThat(calls).hasValue(2);
    assertThat(local.inFlight()).isZero();
  }

  @Test
  void aRouterOverOnePoolWaitsForASlotWhereATierWithABudgetRefusesAtOnce() {
    Pool only = pool("only", 1, 1);
    Lease busy = only.acquire(Duration.ZERO); // full; predicted wait 100 ms
    Router budgeted = Router.builder("budgeted").tier("only", only, Duration.ofMillis(50)).build();
    assertThatThrownBy(() -> budgeted.execute(lease -> "served"))
        .as("a tier with a budget refuses at once when the predicted wait exceeds it")
        .isInstanceOf(NoCapacityException.class);

    Router router = Router.of(only);
    CompletableFuture<String> served = router.executeAsync(RouteOptions.defaults(),
        lease -> CompletableFuture.completedFuture(lease.endpoint().id()));
    assertThat(router.name()).isEqualTo("only");
    assertThat(only.queueDepth()).as("it waits in the pool's queue instead").isEqualTo(1);
    time.advance(Duration.ofSeconds(30));
    assertThat(served).as("with no timeout it waits until a slot frees").isNotDone();
    busy.success();
    assertThat(served).isCompletedWithValue("only-1");
  }

  @Test
  void aRouterOverOnePoolWaitsNoLongerThanTheRequestTimeout() {
    Pool only = pool("only", 1, 1);
    only.acquire(Duration.ZERO);
    Router router = Router.builder("r").pool(only).build();
    CompletableFuture<String> served = router.executeAsync(
        RouteOptions.builder().timeout(Duration.ofMillis(500)).build(),
        lease -> CompletableFuture.completedFuture(lease.endpoint().id()));
    time.advance(Duration.ofMillis(499));
    assertThat(served).isNotDone();
    time.advance(Duration.ofMillis(1));
    assertThat(served).isCompletedExceptionally();
    assertThat(served.handle((v, t) -> t).join()).isInstanceOf(NoCapacityException.class);
    assertThat(only.queueDepth()).isZero();
  }

  @Test
  void closingARouterClosesEachOfItsPoolsOnce() {
    Pool local = pool("local", 1, 1);
    Pool cloud = pool("cloud", 1, 1);
    Router router = Router.builder("r").tier("local", local, Duration.ofMillis(300))
        .tier("cloud", cloud, Duration.ZERO).tier("cloud-again", cloud, Duration.ZERO).build();
    local.acquire(Duration.ZERO);
    cloud.acquire(Duration.ZERO);
    CompletableFuture<String> waiting = router.executeAsync(RouteOptions.defaults(),
        lease -> CompletableFuture.completedFuture("served"));
    assertThat(local.queueDepth()).isEqualTo(1);

    router.close();
    router.close(); // idempotent

    assertThat(waiting).as("a request waiting in a tier's queue fails").isCompletedExceptionally();
    assertThatThrownBy(() -> local.acquire(Duration.ZERO)).isInstanceOf(dev.headroom.core.HeadroomException.class)
        .hasMessageContaining("pool 'local' is closed");
    assertThatThrownBy(() -> cloud.acquire(Duration.ZERO)).hasMessageContaining("pool 'cloud' is closed");
    assertThatThrownBy(() -> router.execute(lease -> "served")).isInstanceOf(dev.headroom.core.HeadroomException.class)
        .hasMessage("router 'r' is closed");
    assertThat(router.executeAsync(RouteOptions.defaults(), lease -> CompletableFuture.completedFuture("x")))
        .isCompletedExceptionally();
  }
}
