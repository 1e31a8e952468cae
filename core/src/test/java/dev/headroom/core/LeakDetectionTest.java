package dev.headroom.core;

import static dev.headroom.core.TestPools.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 17 item 14: a lease that is never ended is reported, and gives its slot back once unreachable. */
class LeakDetectionTest {
  private final VirtualTime time = new VirtualTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Pool pool(Duration threshold) {
    return Pool.create(TestPools.plain("leaky", time, endpoint("a", 2))
        .leakDetectionThreshold(threshold)
        .meterRegistry(registry)
        .build());
  }

  private double leaked() {
    Counter counter = registry.find(HeadroomMetrics.LEASES_LEAKED).tags("pool", "leaky", "endpoint", "a").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aLeaseHeldPastTheThresholdIsReportedOnceWithPoolEndpointAndAge() {
    Pool pool = pool(Duration.ofSeconds(10));
    Lease held = pool.acquire(Duration.ZERO);
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      time.advance(Duration.ofMillis(9_999));
      assertThat(leaked()).isZero();
      time.advance(Duration.ofMillis(1));
      assertThat(leaked()).isEqualTo(1);
      time.advance(Duration.ofMinutes(10));
      assertThat(leaked()).as("once per lease").isEqualTo(1);
    } finally {
      System.setErr(err);
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("WARN", "pool 'leaky'", "endpoint 'a'", "10000 ms")
        .containsOnlyOnce("held for");
    assertThat(pool.inFlight()).as("a warning only: the lease may still be in use").isEqualTo(1);
    held.success();
    assertThat(pool.inFlight()).isZero();
  }

  @Test
  void aLeaseEndedInTimeIsNotReportedAndItsTimerIsGone() {
    Pool pool = pool(Duration.ofSeconds(10));
    pool.acquire(Duration.ZERO).success();
    assertThat(time.pendingTasks()).isZero();
    time.advance(Duration.ofMinutes(1));
    assertThat(leaked()).isZero();
  }

  @Test
  void anUnreachableLeaseThatWasNeverEndedGivesItsSlotBackAndIsCountedOnce() {
    Pool pool = pool(Duration.ofHours(1));
    leakOne(pool);
    assertThat(pool.inFlight()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      System.gc();
      return pool.inFlight() == 0;
    });
    assertThat(leaked()).isEqualTo(1);
    assertThat(time.pendingTasks()).as("its threshold timer is cancelled").isZero();
    Lease next = pool.acquire(Duration.ZERO);
    next.close();
  }

  @Test
  void aReportedLeaseThatLaterBecomesUnreachableIsNotCountedTwice() {
    Pool pool = pool(Duration.ofSeconds(1));
    leakOne(pool);
    time.advance(Duration.ofSeconds(1));
    assertThat(leaked()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      System.gc();
      return pool.inFlight() == 0;
    });
    assertThat(leaked()).isEqualTo(1);
  }

  @Test
  void offByDefault() {
    PoolConfig config = TestPools.plain("p", time, endpoint("a", 1)).build();
    assertThat(config.leakDetectionThreshold()).isEqualTo(Duration.ZERO);
    Pool pool = Pool.create(config);
    pool.acquire(Duration.ZERO);
    assertThat(time.pendingTasks()).as("no timer per lease").isZero();
  }

  /** Takes a lease and drops it without ending it. */
  private static void leakOne(Pool pool) {
    Lease lost = pool.acquire(Duration.ZERO);
    assertThat(lost.endpoint().id()).isEqualTo("a");
  }
}
