package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.testkit.browser.PageServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Warm contexts (min idle) and lease-leak reports, on one real Chromium with cap 3 and two warm contexts. */
class WarmCapacityTest {
  private static final Duration LEASE = Duration.ofSeconds(20);
  private static final List<LeaseLeak> leaks = new CopyOnWriteArrayList<>();
  private static PageServer pages;
  private static BrowserPool pool;
  private static SimpleMeterRegistry registry;

  @BeforeAll
  static void start() {
    pages = PageServer.start();
    registry = new SimpleMeterRegistry();
    pool = BrowserPool.create(BrowserPoolConfig.builder("warm")
        .host(BrowserHost.local("w").maxSessions(3).minIdle(2))
        .leakDetectionThreshold(Duration.ofSeconds(1))
        .leakListener(leaks::add)
        .meterRegistry(registry)
        .build());
  }

  @AfterAll
  static void stop() {
    pool.close();
    pages.close();
  }

  @Test
  void leasesAreServedFromPreCreatedContextsAndTheCapCountsThem() throws Exception {
    try (ChromiumProbe probe = ChromiumProbe.connect(pool, "w")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.pagesInContexts().size() == 2);
      List<String> warmTargets = probe.pagesInContexts().stream().map(t -> t.path("targetId").asText()).toList();
      assertThat(pool.host("w").orElseThrow().idle()).isEqualTo(2);

      BrowserSession first = pool.lease(LEASE);
      assertThat(warmTargets).contains(first.targetId()); // the page existed before the lease
      BrowserSession second = pool.lease(LEASE);
      assertThat(warmTargets).contains(second.targetId());
      // two leased + at most one warm: never more contexts than the cap, as Chromium counts them
      await().atMost(Duration.ofSeconds(20)).until(() -> pool.host("w").orElseThrow().idle() == 1);
      assertThat(probe.contexts()).hasSize(3);
      BrowserSession third = pool.lease(LEASE);
      assertThat(probe.contexts()).hasSize(3);
      assertThat(pool.host("w").orElseThrow().idle()).isZero();

      third.close();
      second.close();
      first.close();
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.pagesInContexts().size() == 2); // topped up again
      for (JsonNode page : probe.pagesInContexts()) {
        assertThat(page.path("url").asText()).isEqualTo("about:blank");
      }
    }
    assertThat(registry.get(BrowserMetricNames.LEASES).tag("context", "warm").counter().count()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aLeaseHeldPastTheThresholdIsReportedWithTheStackOfItsAcquirer() {
    double before = leakCount();
    BrowserSession leaked = pool.lease(LEASE);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> reportFor(leaked.targetId()).isPresent());
      LeaseLeak leak = reportFor(leaked.targetId()).orElseThrow();
      assertThat(leak.host()).isEqualTo("w");
      assertThat(leak.pool()).isEqualTo("warm");
      assertThat(leak.heldFor()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(leak.thread()).isEqualTo(Thread.currentThread().getName());
      assertThat(Arrays.stream(leak.acquiredAt().getStackTrace()).map(StackTraceElement::getMethodName))
          .contains("aLeaseHeldPastTheThresholdIsReportedWithTheStackOfItsAcquirer");
      assertThat(leakCount()).isGreaterThanOrEqualTo(before + 1);
    } finally {
      leaked.close();
    }
    BrowserSession quick = pool.lease(LEASE);
    quick.evaluate("1");
    quick.close(); // returned within the threshold: its check is cancelled, it is never reported
    assertThat(reportFor(quick.targetId())).isEmpty();
  }

  private static java.util.Optional<LeaseLeak> reportFor(String targetId) {
    return leaks.stream().filter(leak -> leak.targetId().equals(targetId)).findFirst();
  }

  private static double leakCount() {
    var counter = registry.find(BrowserMetricNames.LEAKS).tag("endpoint", "w").counter();
    return counter == null ? 0 : counter.count();
  }
}
