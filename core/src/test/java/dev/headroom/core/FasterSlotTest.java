package dev.headroom.core;

import static dev.headroom.core.TestPools.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.pick.CostFunction;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.time.VirtualTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A caller that may wait is not handed a slow endpoint's free slot when a fast endpoint's slot frees sooner. */
class FasterSlotTest {
  private final VirtualTime time = new VirtualTime();

  /** "fast" (1 slot, 100 ms) and "slow" (1 slot, 1 s), both with a few replies behind them. */
  private Pool trainedPool() {
    Pool pool = Pool.create(TestPools.plain("gate", time, endpoint("fast", 1), endpoint("slow", 1))
        .picker(Pickers.powerOfTwoChoices(CostFunction.expectedDelay(), RandomSource.seeded(5)))
        .build());
    for (int i = 0; i < 5; i++) {
      Lease fast = pool.acquire(onlyId("fast"), Deadline.none());
      Lease slow = pool.acquire(onlyId("slow"), Deadline.none());
      time.advance(Duration.ofMillis(100));
      fast.success();
      time.advance(Duration.ofMillis(900));
      slow.success();
    }
    return pool;
  }

  private static Selector onlyId(String id) {
    return state -> state.id().equals(id);
  }

  @Test
  void waitsForTheFastSlotWhenItFreesSoonerThanTheSlowOneWouldServe() {
    Pool pool = trainedPool();
    Lease fast = pool.acquire(onlyId("fast"), Deadline.none());

    CompletableFuture<Lease> next = pool.acquireAsync(Selector.any(), Deadline.after(Duration.ofSeconds(5), time));
    assertThat(next).as("slow is free, but fast (100 ms) frees sooner than slow serves (1 s)").isNotDone();
    assertThat(pool.queueDepth()).isEqualTo(1);

    time.advance(Duration.ofMillis(100));
    fast.success();
    assertThat(next).isCompleted();
    assertThat(next.join().endpoint().id()).isEqualTo("fast");
    next.join().success();
    assertThat(pool.inFlight()).isZero();
  }

  @Test
  void takesTheSlowSlotWhenItMayNotWaitOrTheQueueIsLong() {
    Pool pool = trainedPool();
    Lease fast = pool.acquire(onlyId("fast"), Deadline.none());

    assertThat(pool.tryAcquire(Selector.any())).as("tryAcquire never waits")
        .hasValueSatisfying(lease -> assertThat(lease.endpoint().id()).isEqualTo("slow"))
        .get().satisfies(Lease::success);
    CompletableFuture<Lease> shortDeadline =
        pool.acquireAsync(Selector.any(), Deadline.after(Duration.ofMillis(10), time));
    assertThat(shortDeadline).as("10 ms is not enough to wait for fast").isCompleted();
    assertThat(shortDeadline.join().endpoint().id()).isEqualTo("slow");
    shortDeadline.join().success();
    fast.success();
    assertThat(pool.inFlight()).isZero();
  }

  @Test
  void aWaiterWhoseFasterSlotNeverFreesTakesTheSlowOneOnceTheCallOutThereHasAged() {
    Pool pool = trainedPool();
    Lease stream = pool.acquire(onlyId("fast"), Deadline.none()); // held for a long time, like a stream

    CompletableFuture<Lease> next = pool.acquireAsync(Selector.any(), Deadline.after(Duration.ofSeconds(30), time));
    assertThat(next).isNotDone();
    time.advance(Duration.ofMillis(1500)); // nothing freed; "fast" has a call out for 1.5 s, "slow" serves in 1 s
    assertThat(next).as("re-decided without any slot freeing").isCompleted();
    assertThat(next.join().endpoint().id()).isEqualTo("slow");
    next.join().success();
    stream.success();
    assertThat(pool.inFlight()).isZero();
  }

  @Test
  void anEndpointWithACallOutLongerThanItsAverageIsAtLeastThatSlow() {
    Pool pool = trainedPool();
    EndpointState fast = pool.endpoint("fast").orElseThrow();
    double before = fast.meanLatencyNanos(time.read());
    Lease lease = pool.acquire(onlyId("fast"), Deadline.none());
    time.advance(Duration.ofSeconds(3));
    assertThat(fast.meanLatencyNanos(time.read())).isGreaterThanOrEqualTo(3e9).isGreaterThan(before);
    assertThat(fast.latencyNanos(time.read())).isGreaterThanOrEqualTo(3e9);
    lease.success();
    assertThat(fast.latencyNanos(time.read())).as("the 3 s reply is now the peak").isCloseTo(3e9,
        org.assertj.core.api.Assertions.within(1e6));
  }
}
