package dev.headroom.core;

import static dev.headroom.core.TestPools.endpoint;
import static dev.headroom.core.TestPools.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import dev.headroom.core.time.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 17 item 7: open circuit breakers cannot empty a pool (Envoy's panic threshold). */
class PanicThresholdTest {
  private final VirtualTime time = new VirtualTime();

  private Pool pool(double panicThreshold) {
    return Pool.create(TestPools.plain("cb", time, endpoint("a", 10), endpoint("b", 10), endpoint("c", 10),
            endpoint("d", 10))
        .circuitBreaker(TestPools.quickBreaker(Duration.ofSeconds(30)))
        .panicThreshold(panicThreshold)
        .build());
  }

  private static void openBreaker(Pool pool, String id) {
    for (int i = 0; i < 4; i++) {
      pool.tryAcquire(only(id)).orElseThrow().failure(new IOException("boom"));
    }
    assertThat(pool.endpoint(id).orElseThrow().breaker().state()).isEqualTo(BreakerState.State.OPEN);
  }

  @Test
  void whenEveryBreakerIsOpenThePoolStillServesOnAllEndpoints() {
    Pool pool = pool(0.5);
    for (String id : new String[] {"a", "b", "c", "d"}) {
      openBreaker(pool, id);
    }
    assertThat(pool.snapshot().endpoints()).as("panic: every endpoint is eligible again").hasSize(4);
    Set<String> served = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Lease lease = pool.acquire(Duration.ZERO);
      served.add(lease.endpoint().id());
      lease.success();
    }
    assertThat(served).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(pool.inFlight()).isZero();
    assertThat(pool.endpoint("a").orElseThrow().breaker().state())
        .as("calls made in panic do not go through the open breaker").isEqualTo(BreakerState.State.OPEN);
  }

  @Test
  void aboveTheThresholdOpenBreakersStillTakeEndpointsOut() {
    Pool pool = pool(0.5);
    openBreaker(pool, "a");
    openBreaker(pool, "b");
    assertThat(pool.snapshot().endpoints()).extracting(EndpointState::id).containsExactly("c", "d");
    openBreaker(pool, "c"); // 1 of 4 healthy < 50%: panic
    assertThat(pool.snapshot().endpoints()).extracting(EndpointState::id).containsExactly("a", "b", "c", "d");
  }

  @Test
  void panicEndsWhenEnoughEndpointsAreBack() {
    Pool pool = pool(0.5);
    for (String id : new String[] {"a", "b", "c", "d"}) {
      openBreaker(pool, id);
    }
    time.advance(Duration.ofSeconds(31)); // every breaker may try again: none is out any more
    assertThat(pool.snapshot().endpoints()).hasSize(4);
    Lease trial = pool.tryAcquire(only("a")).orElseThrow();
    assertThat(pool.endpoint("a").orElseThrow().breaker().state())
        .as("out of panic the breaker gates calls again").isEqualTo(BreakerState.State.HALF_OPEN);
    trial.success();
  }

  @Test
  void aZeroThresholdLetsBreakersEmptyThePool() {
    Pool pool = pool(0);
    for (String id : new String[] {"a", "b", "c", "d"}) {
      openBreaker(pool, id);
    }
    assertThat(pool.snapshot().endpoints()).isEmpty();
    assertThat(pool.hasEligible(Selector.any())).isFalse();
  }

  @Test
  void aRouterPanicsOnlyInItsLastTierAndSpillsFromAnEarlierOne() throws Exception {
    Pool local = pool(0.5);
    for (String id : new String[] {"a", "b", "c", "d"}) {
      openBreaker(local, id);
    }
    Pool cloud = Pool.create(TestPools.plain("cloud", time, endpoint("openai", 10)).build());
    Router tiered = Router.builder("tiered").clock(time)
        .tier("local", local, Duration.ZERO).tier("cloud", cloud, Duration.ZERO).build();
    Router localOnly = Router.builder("local-only").clock(time).tier("local", local, Duration.ZERO).build();

    String servedTiered = tiered.execute(RouteOptions.defaults(), lease -> lease.endpoint().id());
    String servedLocal = localOnly.execute(RouteOptions.defaults(), lease -> lease.endpoint().id());
    assertThat(servedTiered)
        .as("a broken tier with a tier after it spills, as without panic").isEqualTo("openai");
    assertThat(servedLocal)
        .as("the last tier has nowhere else to go: it panics").isIn("a", "b", "c", "d");
    assertThat(local.endpoint("a").orElseThrow().admittedByPanic()).isTrue();
    assertThat(local.inFlight() + cloud.inFlight()).isZero();
  }
}
