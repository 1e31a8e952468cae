package dev.headroom.core;

import static dev.headroom.core.TestPools.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How a pool uses its fleet coordinator: the others' load in its picks and limits, and global permits. */
class PoolFleetTest {
  private final VirtualTime time = new VirtualTime();

  private Pool replica(FleetHub hub, String id, boolean strict, Endpoint... endpoints) {
    return Pool.create(TestPools.plain("ollama", time, endpoints)
        .coordinator(hub.replica(id))
        .strictCaps(strict)
        .build());
  }

  @Test
  void theOthersInFlightCountsInPickingAndInTheLimit() {
    FleetHub hub = new FleetHub();
    Pool a = replica(hub, "a", false, endpoint("n1", 4), endpoint("n2", 4));
    Pool b = replica(hub, "b", false, endpoint("n1", 4), endpoint("n2", 4));
    List<Lease> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(a.tryAcquire(TestPools.only("n1")).orElseThrow());
    }
    hub.exchange();

    assertThat(b.endpoint("n1").orElseThrow().remoteInFlight()).isEqualTo(4);
    assertThat(a.endpoint("n1").orElseThrow().remoteInFlight()).isZero();
    // b's picks avoid the node a has filled: every one of 4 leases goes to n2
    for (int i = 0; i < 4; i++) {
      assertThat(b.acquire(Duration.ZERO).endpoint().id()).isEqualTo("n2");
    }
    // b keeps its fair share of n1 (ceil(4 / 2 replicas) = 2), no more
    assertThat(b.tryAcquire(TestPools.only("n1"))).isPresent();
    assertThat(b.tryAcquire(TestPools.only("n1"))).isPresent();
    assertThat(b.tryAcquire(TestPools.only("n1"))).isEmpty();

    held.forEach(Lease::success);
    hub.exchange(); // a holds nothing now: b may use n1 up to its whole limit
    assertThat(b.tryAcquire(TestPools.only("n1"))).isPresent();
    assertThat(b.tryAcquire(TestPools.only("n1"))).isPresent();
    assertThat(b.tryAcquire(TestPools.only("n1"))).isEmpty();
  }

  @Test
  void aWaiterIsServedWhenTheViewShowsTheOthersLeft() {
    FleetHub hub = new FleetHub();
    Pool a = replica(hub, "a", false, endpoint("n1", 2));
    Pool b = replica(hub, "b", false, endpoint("n1", 2));
    Lease aHeld = a.acquire(Duration.ZERO);
    Lease bHeld = b.acquire(Duration.ZERO);
    hub.exchange(); // each sees 1 elsewhere: its limit here is 1, which it holds
    CompletableFuture<Lease> waiting = b.acquireAsync(Selector.any(), Deadline.after(Duration.ofSeconds(5), time));
    assertThat(waiting).isNotDone();

    aHeld.success();
    hub.exchange();
    assertThat(waiting).isCompleted();
    bHeld.success();
    waiting.join().success();
  }

  @Test
  void strictCapsHoldAcrossReplicasAndWaitersGetPermitsOthersFreed() {
    FleetHub hub = new FleetHub();
    List<Pool> replicas = new ArrayList<>();
    for (int r = 0; r < 4; r++) { // on the system clock: permit retries run on the pool's scheduler
      replicas.add(Pool.create(PoolConfig.builder("browsers").endpoint(endpoint("vm-1", 3))
          .noCircuitBreaker().outlierDetection(OutlierDetection.disabled())
          .coordinator(hub.replica("r" + r)).strictCaps(true).build()));
    }
    List<Lease> held = new ArrayList<>();
    for (Pool pool : replicas) {
      pool.tryAcquire(Selector.any()).ifPresent(held::add);
    }
    assertThat(held).hasSize(3); // the fourth replica was refused a permit, though its own pool was empty
    assertThat(hub.held("browsers", "vm-1")).isEqualTo(3);
    assertThat(hub.denials).isPositive();

    Pool fourth = replicas.stream().filter(p -> p.inFlight() == 0).findFirst().orElseThrow();
    CompletableFuture<Lease> waiting = fourth.acquireAsync(Selector.any(),
        Deadline.after(Duration.ofSeconds(10), fourth.ticker()));
    assertThat(waiting).isNotDone();
    held.remove(0).success(); // another replica frees one: the waiter's retry takes it
    Lease granted = waiting.orTimeout(5, TimeUnit.SECONDS).join();
    assertThat(granted.endpoint().id()).isEqualTo("vm-1");
    assertThat(hub.held("browsers", "vm-1")).isEqualTo(3);

    granted.success();
    held.forEach(Lease::success);
    await().atMost(Duration.ofSeconds(5)).until(() -> hub.held("browsers", "vm-1") == 0);
    replicas.forEach(Pool::close);
  }

  @Test
  void aRefusedPermitGivesBackTheLocalSlotAndTheBreakerTrial() {
    FleetHub hub = new FleetHub();
    Pool first = Pool.create(PoolConfig.builder("p").endpoint(endpoint("e", 1))
        .coordinator(hub.replica("r1")).strictCaps(true).build());
    Pool second = Pool.create(PoolConfig.builder("p").endpoint(endpoint("e", 1))
        .coordinator(hub.replica("r2")).strictCaps(true).build());
    Lease lease = first.acquire(Duration.ZERO);
    assertThatThrownBy(() -> second.acquire(Duration.ZERO)).isInstanceOf(PoolExhaustedException.class);
    assertThat(second.inFlight()).isZero();
    assertThat(second.endpoint("e").orElseThrow().breaker().state().name()).isEqualTo("CLOSED");
    lease.success();
    assertThat(hub.held("p", "e")).isZero();
    first.close();
    second.close();
  }

  @Test
  void theLocalDefaultSharesNothingAndJoinsNothing() {
    Pool pool = Pool.create(TestPools.plain("alone", time, endpoint("e", 2)).strictCaps(true).build());
    assertThat(pool.config().coordinator()).isSameAs(FleetCoordinator.local());
    assertThat(pool.acquire(Duration.ZERO).endpoint().id()).isEqualTo("e");
    assertThat(pool.acquire(Duration.ZERO).endpoint().id()).isEqualTo("e");
    assertThat(pool.endpoint("e").orElseThrow().remoteInFlight()).isZero();
  }

  @Test
  void aReplicaOverItsShareLeavesAFreedPermitToAnotherReplicasWaiter() {
    FleetHub hub = new FleetHub();
    Pool a = Pool.create(PoolConfig.builder("vm").endpoint(endpoint("vm-1", 2)).noCircuitBreaker()
        .coordinator(hub.replica("a")).strictCaps(true).build());
    Pool b = Pool.create(PoolConfig.builder("vm").endpoint(endpoint("vm-1", 2)).noCircuitBreaker()
        .coordinator(hub.replica("b")).strictCaps(true).build());
    Lease first = a.acquire(Duration.ZERO);
    Lease second = a.acquire(Duration.ZERO); // a holds both permits, more than its share of 1 in 2 replicas
    hub.exchange();
    CompletableFuture<Lease> aWaits = a.acquireAsync(Selector.any(), Deadline.after(Duration.ofSeconds(10), a.ticker()));
    CompletableFuture<Lease> bWaits = b.acquireAsync(Selector.any(), Deadline.after(Duration.ofSeconds(10), b.ticker()));

    first.success();
    assertThat(aWaits).isNotDone(); // without the yield, a's own waiter takes the permit back in the same call
    Lease bGot = bWaits.orTimeout(5, TimeUnit.SECONDS).join();
    assertThat(hub.held("vm", "vm-1")).isEqualTo(2);
    assertThat(aWaits).isNotDone();

    second.success(); // a now holds its share or less: its waiter takes the permit at once
    assertThat(aWaits).isCompleted();
    bGot.success();
    aWaits.join().success();
    a.close();
    b.close();
  }

  @Test
  void betweenItsOwnCallsAnEndpointsLatencyDecaysTowardsTheFleetsMeanNotTowardsZero() {
    FleetHub hub = new FleetHub();
    Pool pool = replica(hub, "a", false, endpoint("slow", 4));
    hub.latencyMillis.put("slow", 2_000.0);
    hub.exchange();
    time.advance(Duration.ofMinutes(5)); // thirty half-lives: its own 30 ms start value is all but forgotten
    double millis = pool.endpoint("slow").orElseThrow().meanLatencyNanos(time.read()) / 1e6;
    assertThat(millis).isCloseTo(2_000.0, org.assertj.core.data.Offset.offset(20.0));
  }

  @Test
  void aReplicaWaitsForAFastNodeThatOtherReplicasFillRatherThanTakeAFreeSlowOne() {
    FleetHub hub = new FleetHub();
    Pool b = replica(hub, "b", false, endpoint("fast", 2), endpoint("slow", 2));
    Pool a = replica(hub, "a", false, endpoint("fast", 2), endpoint("slow", 2));
    a.tryAcquire(TestPools.only("fast")).orElseThrow();
    a.tryAcquire(TestPools.only("fast")).orElseThrow();
    hub.latencyMillis.put("fast", 10.0);
    hub.latencyMillis.put("slow", 1_000.0);
    hub.exchange(); // b: the others hold fast's 2 slots, so its limit there is its fair share, 1
    time.advance(Duration.ofMinutes(5)); // the estimates are the fleet's: fast 10 ms, slow 1 s
    Lease own = b.tryAcquire(TestPools.only("fast")).orElseThrow(); // b's one slot on fast

    // b's own count on fast (1) is below fast's limit (2): only the fleet's calls fill it
    CompletableFuture<Lease> next = b.acquireAsync(Selector.any(), Deadline.after(Duration.ofSeconds(5), time));
    assertThat(next).as("waits for fast, which frees a slot in ~5 ms, rather than take slow (1 s)").isNotDone();
    own.success();
    assertThat(next.join().endpoint().id()).isEqualTo("fast");
  }
}
