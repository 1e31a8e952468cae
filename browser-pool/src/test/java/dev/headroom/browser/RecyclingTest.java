package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.testkit.browser.PageServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Retiring a browser really replaces its process: after N contexts, past a max age, past an RSS limit. */
class RecyclingTest {

  @Test
  void afterNContextsTheBrowserIsDrainedKilledAndRelaunchedAsANewProcess() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PageServer pages = PageServer.start();
        BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("recycle")
            .host(BrowserHost.local("r").maxSessions(2).recycleAfterContexts(3))
            .meterRegistry(registry)
            .build())) {
      long firstPid = pool.host("r").orElseThrow().pid().orElseThrow();
      List<Long> firstTree;
      try (BrowserSession one = pool.lease(Duration.ofSeconds(20))) {
        one.navigate(pages.url("/page?title=1"));
        firstTree = Procs.tree(firstPid);
      }
      try (BrowserSession two = pool.lease(Duration.ofSeconds(20))) {
        two.navigate(pages.url("/page?title=2"));
      }
      BrowserSession third = pool.lease(Duration.ofSeconds(20)); // the third context: the browser is retired
      assertThat(pool.host("r").orElseThrow().state()).isEqualTo(HostState.RECYCLING);
      third.navigate(pages.url("/page?title=3")); // a session already leased finishes its work undisturbed
      // a caller arriving meanwhile waits for the new browser instead of failing
      CompletableFuture<BrowserSession> next = CompletableFuture.supplyAsync(() -> pool.lease(Duration.ofSeconds(60)));
      assertThat(pool.host("r").orElseThrow().pid()).hasValue(firstPid); // drained, not killed, while in use
      assertThat(third.evaluate("document.title").asText()).isEqualTo("3");
      third.close();

      try (BrowserSession fresh = next.get(60, TimeUnit.SECONDS)) {
        HostStatus now = pool.host("r").orElseThrow();
        assertThat(now.state()).isEqualTo(HostState.UP);
        assertThat(now.generation()).isEqualTo(2);
        assertThat(now.pid()).isPresent();
        assertThat(now.pid().getAsLong()).isNotEqualTo(firstPid);
        assertThat(fresh.webSocketUrl()).isEqualTo(now.webSocketUrl().orElseThrow());
        fresh.navigate(pages.url("/page?title=fresh"));
        assertThat(fresh.evaluate("document.title").asText()).isEqualTo("fresh");
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> Procs.alive(firstTree).isEmpty());
      assertThat(firstTree).hasSizeGreaterThan(1); // the helpers (zygotes, renderers) went too
      assertThat(registry.get(BrowserMetricNames.RECYCLES).tag("reason", "contexts").counter().count()).isEqualTo(1.0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rss", "age"})
  void aBrowserPastItsMemoryOrAgeLimitIsReplaced(String reason) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BrowserHost.Builder host = BrowserHost.local("m").maxSessions(2);
    if (reason.equals("rss")) {
      host.maxRssBytes(1 << 20); // 1 MB: any Chromium is past it
    } else {
      host.maxAge(Duration.ofMillis(1500));
    }
    try (BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("limits-" + reason)
        .host(host)
        .maintenanceInterval(Duration.ofMillis(200))
        .meterRegistry(registry)
        .build())) {
      long firstPid = pool.host("m").orElseThrow().pid().orElseThrow();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        HostStatus now = pool.host("m").orElseThrow();
        return now.generation() >= 2 && now.state() == HostState.UP && now.pid().orElse(firstPid) != firstPid;
      });
      Counter recycles = registry.get(BrowserMetricNames.RECYCLES).tag("reason", reason).counter();
      assertThat(recycles.count()).isGreaterThanOrEqualTo(1.0);
      await().atMost(Duration.ofSeconds(20)).until(() -> !Processes.alive(firstPid));
      if (reason.equals("age")) {
        assertThat(registry.find(BrowserMetricNames.RECYCLES).tag("reason", "rss").counter()).isNull();
      }
    }
  }

  @Test
  void aBrowserUnderItsMemoryLimitIsKeptAndItsResidentMemoryIsReported() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("under-limit")
        .host(BrowserHost.local("m").maxSessions(2).maxRssBytes(64L << 30))
        .maintenanceInterval(Duration.ofMillis(200))
        .meterRegistry(registry)
        .build())) {
      // read from /proc/<pid>/status of the browser and its helpers: a headless Chromium is tens of MB at least
      await().atMost(Duration.ofSeconds(30)).until(() -> pool.host("m").orElseThrow().rssBytes().orElse(0) > 20 << 20);
      assertThat(registry.get(BrowserMetricNames.RSS).tag("endpoint", "m").gauge().value()).isGreaterThan(20 << 20);
      assertThat(pool.host("m").orElseThrow().generation()).isEqualTo(1);
      assertThat(registry.find(BrowserMetricNames.RECYCLES).counter()).isNull();
    }
  }
}
