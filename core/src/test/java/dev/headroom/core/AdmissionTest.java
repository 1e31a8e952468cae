package dev.headroom.core;

import static dev.headroom.core.TestPools.endpoint;
import static dev.headroom.core.TestPools.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private final VirtualTime time = new VirtualTime();

  private Deadline in(Duration d) {
    return Deadline.after(d, time);
  }

  @Test
  void waitingCallersAreServedInArrivalOrder() {
    Pool pool = Pool.create(TestPools.plain("fifo", time, endpoint("a", 1)).build());
    Lease held = pool.acquire(Duration.ZERO);
    List<CompletableFuture<Lease>> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(10))));
    }
    assertThat(pool.queueDepth()).isEqualTo(5);
    assertThat(pool.tryAcquire(Selector.any())).as("no barging ahead of the queue").isEmpty();

    held.success();
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        assertThat(waiting.get(j).isDone()).as("waiter %d after %d releases", j, i + 1).isEqualTo(j <= i);
      }
      waiting.get(i).join().success();
    }
    assertThat(pool.queueDepth()).isZero();
    assertThat(pool.inFlight()).isZero();
  }

  @Test
  void aWaiterWhoseDeadlinePassesGetsATypedErrorWithTheLoadSnapshot() {
    Pool pool = Pool.create(TestPools.plain("deadline", time, endpoint("a", 1), endpoint("b", 1)).build());
    pool.acquire(Duration.ZERO);
    pool.acquire(Duration.ZERO);
    CompletableFuture<Lease> waiter = pool.acquireAsync(Selector.any(), in(Duration.ofMillis(250)));
    time.advance(Duration.ofMillis(249));
    assertThat(waiter).isNotDone();
    time.advance(Duration.ofMillis(1));
    assertThat(waiter).isCompletedExceptionally();
    PoolExhaustedException e = (PoolExhaustedException) waiter.handle((l, t) -> t).join();
    assertThat(e.lastReason()).isEqualTo(SpillReason.DEADLINE);
    assertThat(e.waited()).isEqualTo(Duration.ofMillis(250));
    assertThat(e.endpoints()).extracting(EndpointLoad::inFlight).containsExactly(1, 1);
    assertThat(e.getMessage()).contains("deadline", "a[1/1 UP]", "b[1/1 UP]");
    assertThat(pool.queueDepth()).isZero();
  }

  @Test
  void aFullQueueFailsFastAndAZeroWaitNeverQueues() {
    Pool pool = Pool.create(TestPools.plain("bounded", time, endpoint("a", 1)).maxWaiters(2).build());
    pool.acquire(Duration.ZERO);
    assertThatThrownBy(() -> pool.acquire(Duration.ZERO)).isInstanceOf(PoolExhaustedException.class)
        .hasMessageContaining("every endpoint is full");
    pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(1)));
    pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(1)));
    assertThatThrownBy(() -> pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(1))).join())
        .hasCauseInstanceOf(PoolExhaustedException.class).hasMessageContaining("queue is full (maxWaiters 2)");
  }

  @Test
  void cancellingAWaitLeavesTheQueueAndLosesNoSlot() {
    Pool pool = Pool.create(TestPools.plain("cancel", time, endpoint("a", 1)).build());
    Lease held = pool.acquire(Duration.ZERO);
    CompletableFuture<Lease> first = pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(1)));
    CompletableFuture<Lease> second = pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(1)));
    first.cancel(false);
    assertThat(pool.queueDepth()).isEqualTo(1);
    held.success();
    assertThat(second.join().endpoint().id()).isEqualTo("a");
  }

  @Test
  void noEligibleEndpointFailsAtOnceWithItsOwnReason() {
    Pool pool = Pool.create(TestPools.plain("none", time, endpoint("a", 1)).build());
    assertThatThrownBy(() -> pool.acquire(Selector.label("model", "llama3"), in(Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(PoolExhaustedException.class,
            e -> assertThat(e.lastReason()).isEqualTo(SpillReason.NO_HEALTHY_ENDPOINT));
  }

  @Test
  void aSelectiveWaiterDoesNotBlockOthersBehindIt() {
    Pool pool = Pool.create(TestPools.plain("hol", time, endpoint("a", 1), endpoint("b", 1)).build());
    Lease a = pool.tryAcquire(only("a")).orElseThrow();
    Lease b = pool.tryAcquire(only("b")).orElseThrow();
    CompletableFuture<Lease> wantsA = pool.acquireAsync(only("a"), in(Duration.ofSeconds(1)));
    CompletableFuture<Lease> wantsAny = pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(1)));
    b.success();
    assertThat(wantsA).isNotDone();
    assertThat(wantsAny.join().endpoint().id()).isEqualTo("b");
    a.success();
    assertThat(wantsA.join().endpoint().id()).isEqualTo("a");
  }

  @Test
  void drainingStopsNewLeasesAndCompletesWhenTheHeldOnesEnd() {
    Pool pool = Pool.create(TestPools.plain("drain", time, endpoint("a", 10), endpoint("b", 10)).build());
    Lease onA = pool.tryAcquire(only("a")).orElseThrow();
    CompletableFuture<Void> drained = pool.drain("a");
    assertThat(drained).isNotDone();
    for (int i = 0; i < 100; i++) {
      Lease lease = pool.acquire(Duration.ZERO);
      assertThat(lease.endpoint().id()).isEqualTo("b");
      lease.success();
    }
    assertThat(pool.tryAcquire(only("a"))).isEmpty();
    assertThat(pool.endpoint("a").orElseThrow().load(time.read()).draining()).isTrue();
    onA.success();
    assertThat(drained).isCompleted();
    assertThat(pool.inFlight()).isZero();

    pool.resume("a");
    assertThat(pool.tryAcquire(only("a"))).isPresent();
  }

  @Test
  void endpointsCanJoinAndLeaveAtRunTime() {
    Pool pool = Pool.create(TestPools.plain("members", time, endpoint("a", 1)).build());
    Lease onA = pool.acquire(Duration.ZERO);
    CompletableFuture<Lease> waiter = pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(1)));
    pool.add(endpoint("b", 1));
    assertThat(waiter.join().endpoint().id()).as("a new endpoint serves the queue at once").isEqualTo("b");

    CompletableFuture<Void> gone = pool.remove("a").orElseThrow();
    assertThat(pool.endpoints()).extracting(EndpointState::id).containsExactly("b");
    assertThat(gone).isNotDone();
    onA.success(); // a lease on a removed endpoint still completes normally
    assertThat(gone).isCompleted();
    assertThat(pool.remove("nope")).isEmpty();
    assertThatThrownBy(() -> pool.add(endpoint("b", 3))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be unique");
  }

  @Test
  void anEndpointAddedDrainedServesNoOneNotEvenTheQueueUntilItIsResumed() {
    Pool pool = Pool.create(TestPools.plain("starting", time, endpoint("a", 1)).build());
    Lease onA = pool.acquire(Duration.ZERO);
    CompletableFuture<Lease> waiter = pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(1)));
    pool.addDrained(endpoint("b", 1)); // with add, the waiter would be served by b at once
    assertThat(waiter).isNotDone();
    assertThat(pool.endpoint("b").orElseThrow().isDraining()).isTrue();

    pool.resume("b"); // its own start is done
    assertThat(waiter.join().endpoint().id()).isEqualTo("b");
    onA.success();
  }

  @Test
  void aLeaseEndsExactlyOnce() {
    Pool pool = Pool.create(TestPools.plain("once", time, endpoint("a", 2)).build());
    Lease lease = pool.acquire(Duration.ZERO);
    lease.success();
    lease.failure(new RuntimeException("late"));
    lease.close();
    assertThat(pool.inFlight()).isZero();
    assertThat(pool.endpoint("a").orElseThrow().failureRate(time.read())).isZero();
  }

  @Test
  void estimatedWaitGrowsWithTheQueueAndShrinksWithCapacity() {
    Pool pool = Pool.create(TestPools.plain("est", time, endpoint("a", 2))
        .initialLatency(Duration.ofMillis(100)).build());
    assertThat(pool.estimatedWait(Selector.any())).isZero();
    pool.acquire(Duration.ZERO);
    pool.acquire(Duration.ZERO);
    assertThat(pool.estimatedWait(Selector.any())).isEqualTo(Duration.ofMillis(50)); // 1 ahead / (2 per 100 ms)
    pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(1)));
    assertThat(pool.estimatedWait(Selector.any())).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void closingFailsWaitersAndLaterAcquires() {
    Pool pool = Pool.create(TestPools.plain("close", time, endpoint("a", 1)).build());
    pool.acquire(Duration.ZERO);
    CompletableFuture<Lease> waiter = pool.acquireAsync(Selector.any(), in(Duration.ofSeconds(1)));
    pool.close();
    assertThatThrownBy(waiter::join).hasMessageContaining("pool 'close' is closed");
    assertThatThrownBy(() -> pool.acquire(Duration.ZERO)).isInstanceOf(HeadroomException.class);
  }

  @Test
  void aBlockedCallerOnTheRealClockIsHandedTheSlotWhenItFrees() throws Exception {
    Pool pool = Pool.create(PoolConfig.builder("real").endpoint(endpoint("a", 1)).build());
    Lease held = pool.acquire(Duration.ZERO);
    CompletableFuture<String> blocked = CompletableFuture.supplyAsync(() -> {
      try (Lease lease = pool.acquire(Duration.ofSeconds(30))) {
        lease.success();
        return lease.endpoint().id();
      }
    });
    org.awaitility.Awaitility.await().until(() -> pool.queueDepth() == 1);
    held.success();
    assertThat(blocked.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("a");
  }
}
