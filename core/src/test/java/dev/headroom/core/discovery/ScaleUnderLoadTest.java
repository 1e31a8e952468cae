package dev.headroom.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.core.Deadline;
import dev.headroom.core.HealthCheck;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.Selector;
import dev.headroom.core.pick.CostFunction;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.time.VirtualTime;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 14: a core pool scaled 2 → 4 → 1 by its discovery source while a steady load runs through it. */
class ScaleUnderLoadTest {
  private static final Duration SERVICE = Duration.ofMillis(100);
  private static final Duration SLOW_START = Duration.ofSeconds(20);

  private final VirtualTime time = new VirtualTime();
  private final MembershipSyncTest.TestSource source = new MembershipSyncTest.TestSource();
  /** Leases granted per node, and when each node got its last one. */
  private final Map<String, Integer> granted = new HashMap<>();
  private final Map<String, Long> lastGrantAt = new HashMap<>();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private int issued;

  private static DiscoveredMember node(String id) {
    return DiscoveredMember.of(id, URI.create("http://" + id + ".test:11434"));
  }

  @Test
  void scalingTwoToFourToOneUnderSteadyLoadShowsNoClientAnErrorAndDrainsTheRemovedNodes() {
    Pool pool = Pool.create(PoolConfig.builder("workers").clock(time).startEmpty()
        .picker(Pickers.powerOfTwoChoices(CostFunction.expectedDelay(), RandomSource.seeded(3)))
        .random(RandomSource.seeded(4))
        .initialLatency(SERVICE)
        .noCircuitBreaker().outlierDetection(OutlierDetection.disabled())
        .healthCheck(HealthCheck.builder(e -> CompletableFuture.completedFuture(true))
            .interval(Duration.ofSeconds(5)).build())
        .slowStart(SLOW_START)
        .build());
    MembershipSync sync = MembershipSync.builder(source, PoolMembership.of(pool, 16))
        .clock(time).executor(Runnable::run).start();

    source.report(node("n1"), node("n2"));
    time.runDue(); // their first probes
    run(pool, Duration.ofSeconds(20)); // 100 requests/s of 100 ms: 10 in flight
    assertThat(granted.keySet()).containsExactlyInAnyOrder("n1", "n2");

    source.report(node("n1"), node("n2"), node("n3"), node("n4"));
    time.runDue();
    run(pool, SLOW_START);
    granted.clear();
    run(pool, Duration.ofSeconds(10));
    for (String id : new String[] {"n1", "n2", "n3", "n4"}) {
      assertThat(share(id)).as("share of %s after the slow-start window", id).isCloseTo(0.25, within(0.05));
    }

    source.report(node("n1"));
    long scaledDownAt = time.read();
    assertThat(pool.endpoints()).as("draining, not yet removed: their calls are in flight").hasSize(4);
    run(pool, Duration.ofSeconds(20));
    assertThat(PoolMembership.of(pool, 1).memberIds()).containsExactly("n1");
    for (String id : new String[] {"n2", "n3", "n4"}) {
      assertThat(lastGrantAt.get(id)).as("no work for %s once it drains", id).isLessThanOrEqualTo(scaledDownAt);
    }
    time.advance(SERVICE);
    assertThat(errors).as("client-visible errors").hasValue(0);
    assertThat(completed).as("every call completed").hasValue(issued);
    sync.close();
  }

  private double share(String id) {
    int total = granted.values().stream().mapToInt(Integer::intValue).sum();
    return (double) granted.getOrDefault(id, 0) / total;
  }

  /** A request every 10 ms for {@code duration}, each with a 2 s deadline and holding its lease {@link #SERVICE}. */
  private void run(Pool pool, Duration duration) {
    long end = time.read() + duration.toNanos();
    while (time.read() < end) {
      time.advance(Duration.ofMillis(10));
      issued++;
      pool.acquireAsync(Selector.any(), Deadline.after(Duration.ofSeconds(2), time)).whenComplete((lease, error) -> {
        if (error != null) {
          errors.incrementAndGet();
          return;
        }
        granted.merge(lease.endpoint().id(), 1, Integer::sum);
        lastGrantAt.put(lease.endpoint().id(), time.read());
        time.schedule(SERVICE, () -> {
          lease.success();
          completed.incrementAndGet();
        });
      });
    }
  }
}
