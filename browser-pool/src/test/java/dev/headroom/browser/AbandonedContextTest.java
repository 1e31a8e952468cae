package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller that gives up while its context is being created does not waste it: the context becomes a warm one for
 * the next caller (on a loaded machine, where creating a context takes longer than callers wait, disposing it made
 * the pool serve no one). One real Chromium, cap 2, no warm contexts of its own.
 */
class AbandonedContextTest {
  private static BrowserPool pool;
  private static SimpleMeterRegistry registry;

  @BeforeAll
  static void start() {
    registry = new SimpleMeterRegistry();
    pool = BrowserPool.create(BrowserPoolConfig.builder("abandon")
        .host(BrowserHost.local("a").maxSessions(2).minIdle(0))
        .meterRegistry(registry)
        .build());
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  @Test
  void aContextWhoseCallerGaveUpServesTheNextCaller() {
    assertThat(pool.host("a").orElseThrow().idle()).isZero();
    // a few ms is far less than Chromium needs to create a context, but enough to get the slot: the lease gives up
    // while its context is being created (retried in case a slow moment made it give up before that)
    BrowserPoolExhaustedException gaveUp = null;
    for (int i = 0; i < 20 && gaveUp == null; i++) {
      try {
        pool.lease(Duration.ofMillis(3)).close();
      } catch (BrowserPoolExhaustedException e) {
        if (e.getMessage().contains("while a context was being created")) {
          gaveUp = e;
        }
      }
    }
    assertThat(gaveUp).as("a lease that gave up during context creation").isNotNull();

    await().atMost(Duration.ofSeconds(20)).until(() -> pool.host("a").orElseThrow().idle() == 1);
    assertThat(pool.leased()).isZero();
    double warmBefore = warmLeases();
    try (BrowserSession next = pool.lease(Duration.ofSeconds(20))) {
      assertThat(next.evaluate("1 + 1").asInt()).isEqualTo(2);
    }
    assertThat(warmLeases()).as("the next caller got the abandoned context, warm").isEqualTo(warmBefore + 1);
  }

  private static double warmLeases() {
    var counter = registry.find(BrowserMetricNames.LEASES).tag("context", "warm").counter();
    return counter == null ? 0 : counter.count();
  }
}
