package dev.headroom.core;

import static dev.headroom.core.TestPools.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.core.pick.CostFunction;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SlowStartTest {
  private static final Duration WINDOW = Duration.ofSeconds(100);
  private static final Duration SERVICE = Duration.ofMillis(30);

  private final VirtualTime time = new VirtualTime();

  private PoolConfig.Builder twoOld(int limit) {
    return TestPools.plain("warm", time, endpoint("a", limit), endpoint("b", limit))
        .picker(Pickers.powerOfTwoChoices(CostFunction.expectedDelay(), RandomSource.seeded(1)))
        .random(RandomSource.seeded(2))
        .initialLatency(SERVICE) // a new endpoint's estimate is what the others measure: only load tells them apart
        .slowStart(WINDOW);
  }

  /** The share of the traffic a new endpoint next to two old ones of the same weight should get at {@code t}. */
  private static double expectedShare(SlowStart ramp, long t) {
    double f = ramp.factor(t);
    return f / (f + 2);
  }

  @Test
  void aNewEndpointsShareFollowsTheRampUnderSteadyLoad() {
    Pool pool = Pool.create(twoOld(16).build());
    Load load = new Load(pool, Duration.ofMillis(2), Selector.any()); // 500/s × 30 ms: 15 in flight of 48 slots
    load.run(Duration.ofSeconds(5));
    pool.add(endpoint("c", 16));
    long start = time.read();
    SlowStart ramp = pool.config().slowStart().orElseThrow();
    double previous = 0;
    for (int tenth = 0; tenth < 10; tenth++) {
      load.counts.clear();
      load.run(WINDOW.dividedBy(10));
      double share = load.share("c");
      double expected = 0;
      for (int i = 0; i < 100; i++) { // the curve's mean over this tenth
        expected += expectedShare(ramp, WINDOW.toNanos() / 10 * tenth + WINDOW.toNanos() / 1000 * i + 1) / 100;
      }
      assertThat(share).as("share of the new endpoint in tenth %d of the window", tenth)
          .isCloseTo(expected, within(0.02))
          .isGreaterThan(previous);
      previous = share;
      assertThat(pool.endpoint("c").orElseThrow().isWarming(time.read())).isEqualTo(tenth < 9);
    }
    assertThat(time.read() - start).isEqualTo(WINDOW.toNanos());
    assertThat(pool.endpoint("c").orElseThrow().slowStartFactor(time.read())).isEqualTo(1.0);
    load.counts.clear();
    load.run(Duration.ofSeconds(10));
    assertThat(load.share("c")).as("its full share after the window").isCloseTo(1 / 3.0, within(0.02));
    assertThat(load.errors).hasValue(0);
  }

  @Test
  void theEndpointsAPoolIsBuiltWithDoNotWarmUp() {
    Pool pool = Pool.create(twoOld(16).build());
    for (EndpointState state : pool.endpoints()) {
      assertThat(state.isWarming(time.read())).isFalse();
      assertThat(state.slowStartFactor(time.read())).isEqualTo(1.0);
    }
    Load load = new Load(pool, Duration.ofMillis(2), Selector.any());
    load.run(Duration.ofSeconds(10));
    assertThat(load.share("a")).isCloseTo(0.5, within(0.02));
  }

  @Test
  void whenTheOthersAreFullANewEndpointHoldsAtMostItsRampsShareOfItsSlots() {
    Pool pool = Pool.create(twoOld(4).build());
    List<Lease> held = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      held.add(pool.acquire(Duration.ZERO));
    }
    EndpointState c = pool.add(endpoint("c", 10));
    List<CompletableFuture<Lease>> waiting = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      waiting.add(pool.acquireAsync(Selector.any(), Deadline.after(Duration.ofMinutes(10), time)));
    }
    assertThat(c.inFlight()).as("ceil(10%% of 10 slots)").isEqualTo(1);
    assertThat(pool.queueDepth()).isEqualTo(19);
    assertThat(c.load(time.read()).toString()).isEqualTo("c[1/10 UP warming]");

    time.advance(WINDOW.dividedBy(2)); // the limit rises with the ramp, and the waiters get the slots by themselves
    assertThat(c.inFlight()).isEqualTo(5);
    time.advance(WINDOW.dividedBy(2));
    assertThat(c.inFlight()).isEqualTo(10);
    assertThat(pool.queueDepth()).isEqualTo(10);
    assertThat(c.isWarming(time.read())).isFalse();
    held.forEach(Lease::success);
    waiting.stream().filter(CompletableFuture::isDone).forEach(f -> f.join().success());
    waiting.stream().filter(f -> !f.isDone()).forEach(f -> f.cancel(false));
  }

  @Test
  void aNewEndpointGetsNoLeaseBeforeItsFirstProbePassesAndRampsUpFromThen() {
    Map<String, Boolean> healthy = new ConcurrentHashMap<>(Map.of("a", true, "b", true, "c", false));
    AtomicInteger probesOfC = new AtomicInteger();
    Pool pool = Pool.create(twoOld(16)
        .healthCheck(HealthCheck.builder(e -> {
          if (e.id().equals("c")) {
            probesOfC.incrementAndGet();
          }
          return CompletableFuture.completedFuture(healthy.get(e.id()));
        }).interval(Duration.ofSeconds(10)).jitter(0).healthyThreshold(3).build())
        .build());
    assertThat(pool.snapshot().size()).as("the initial endpoints are eligible at once, as before").isEqualTo(2);

    EndpointState c = pool.add(endpoint("c", 16));
    time.runDue();
    assertThat(probesOfC).as("probed at once").hasValue(1);
    assertThat(pool.snapshot().endpoints()).extracting(EndpointState::id).containsExactly("a", "b");
    assertThat(c.health(time.read())).isEqualTo(Health.DOWN);
    assertThat(c.isWarming(time.read())).isTrue();
    assertThat(c.load(time.read()).toString()).isEqualTo("c[0/16 DOWN warming]");
    Load load = new Load(pool, Duration.ofMillis(2), Selector.any());
    load.run(Duration.ofSeconds(30));
    assertThat(load.counts.get("c")).as("no lease before its first probe passes").isNull();

    healthy.put("c", true);
    time.advance(Duration.ofSeconds(10));
    long passedAt = time.read();
    assertThat(probesOfC).hasValue(5);
    assertThat(pool.snapshot().endpoints()).as("one pass suffices for the first probe, whatever the threshold")
        .extracting(EndpointState::id).containsExactly("a", "b", "c");
    assertThat(c.health(time.read())).isEqualTo(Health.UP);
    assertThat(c.slowStartFactor(passedAt)).as("the ramp starts when the probe passes").isEqualTo(0.1);
    assertThat(c.slowStartFactor(passedAt + WINDOW.toNanos() / 2)).isCloseTo(0.5, within(1e-9));
    assertThat(c.isWarming(passedAt + WINDOW.toNanos() - 1)).isTrue();
    assertThat(c.isWarming(passedAt + WINDOW.toNanos())).isFalse();
  }

  @Test
  void aSelectorThatPricesTheWarmUpItselfTurnsSlowStartOffForItsRequests() {
    Pool pool = Pool.create(twoOld(16).build());
    Selector coldLoadPriced = new Selector() {
      @Override
      public boolean accepts(EndpointState endpoint) {
        return true;
      }

      @Override
      public boolean slowStart(EndpointState endpoint) {
        return false;
      }
    };
    Load load = new Load(pool, Duration.ofMillis(2), coldLoadPriced);
    load.run(Duration.ofSeconds(5));
    pool.add(endpoint("c", 16));
    load.counts.clear();
    load.run(WINDOW.dividedBy(10));
    assertThat(load.share("c")).as("its full share at once").isCloseTo(1 / 3.0, within(0.03));
  }

  @Test
  void endpointsThatAllRampUpShareTheTrafficWithoutALimit() {
    // a pool filled at run time (its first discovery report): nobody to shift traffic from
    Pool pool = Pool.create(TestPools.plain("empty", time).startEmpty().slowStart(WINDOW).build());
    assertThatThrownBy(() -> pool.acquire(Duration.ZERO)).isInstanceOf(PoolExhaustedException.class)
        .hasMessageContaining("no eligible endpoint");
    pool.add(endpoint("a", 4));
    pool.add(endpoint("b", 4));
    assertThat(pool.endpoint("a").orElseThrow().isWarming(time.read())).isTrue();
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      leases.add(pool.acquire(Duration.ZERO));
    }
    assertThat(pool.inFlight()).isEqualTo(8);
    leases.forEach(Lease::success);
  }

  @Test
  void badRampsNameTheSetting() {
    assertThatThrownBy(() -> PoolConfig.builder("p").slowStart(Duration.ZERO))
        .isInstanceOf(ConfigException.class).hasMessage("slowStart.window must be > 0 but was PT0S");
    assertThatThrownBy(() -> SlowStart.of(WINDOW).withMinWeight(1.5))
        .hasMessage("slowStart.minWeight must be in [0, 1] but was 1.5");
    assertThatThrownBy(() -> SlowStart.of(WINDOW).withAggression(0))
        .hasMessageContaining("slowStart.aggression must be a finite number > 0");
  }

  @Test
  void theRampFollowsEnvoysFormula() {
    SlowStart ramp = SlowStart.of(Duration.ofSeconds(100)).withAggression(2).withMinWeight(0.2);
    assertThat(ramp.factor(0)).isEqualTo(0.2);
    assertThat(ramp.factor(Duration.ofSeconds(25).toNanos())).isCloseTo(0.5, within(1e-9)); // sqrt(0.25)
    assertThat(ramp.factor(Duration.ofSeconds(100).toNanos())).isEqualTo(1.0);
    assertThat(SlowStart.of(Duration.ofSeconds(100)).factor(Duration.ofSeconds(30).toNanos()))
        .isCloseTo(0.3, within(1e-9));
  }

  /**
   * Steady open-loop load on virtual time: a request every {@code every}, each holding its lease for
   * {@link #SERVICE}; counts leases per endpoint.
   */
  private final class Load {
    final Map<String, Integer> counts = new ConcurrentHashMap<>();
    final AtomicInteger errors = new AtomicInteger();
    private final Pool pool;
    private final Duration every;
    private final Selector selector;

    Load(Pool pool, Duration every, Selector selector) {
      this.pool = pool;
      this.every = every;
      this.selector = selector;
    }

    void run(Duration duration) {
      long end = time.read() + duration.toNanos();
      while (time.read() + every.toNanos() <= end) {
        time.advance(every);
        pool.acquireAsync(selector, Deadline.after(Duration.ofSeconds(1), time)).whenComplete((lease, error) -> {
          if (error != null) {
            errors.incrementAndGet();
            return;
          }
          counts.merge(lease.endpoint().id(), 1, Integer::sum);
          time.schedule(SERVICE, lease::success);
        });
      }
      time.advanceNanos(end - time.read());
    }

    double share(String id) {
      int total = counts.values().stream().mapToInt(Integer::intValue).sum();
      return (double) counts.getOrDefault(id, 0) / total;
    }
  }
}
