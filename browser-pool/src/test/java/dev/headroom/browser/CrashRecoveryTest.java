package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.testkit.browser.PageServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A real Chromium killed with SIGKILL while two hosts are under load. */
class CrashRecoveryTest {

  @Test
  void killingOneChromiumFailsOnlyItsSessionsAndTheHostComesBackWithItsCapacity() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExecutorService threads = Executors.newCachedThreadPool();
    try (PageServer pages = PageServer.start();
        BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("crashy")
            .host(BrowserHost.local("a").maxSessions(3))
            .host(BrowserHost.local("b").maxSessions(3))
            .relaunchBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
            .meterRegistry(registry)
            .build())) {
      // two held sessions per host (the picker spreads them: the least loaded host always wins)
      List<BrowserSession> held = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        BrowserSession session = pool.lease(Duration.ofSeconds(20));
        session.navigate(pages.url("/page?title=held" + i));
        held.add(session);
      }
      assertThat(held).extracting(BrowserSession::host).containsOnly("a", "b");
      assertThat(held.stream().filter(s -> s.host().equals("a")).count()).isEqualTo(2);

      // load: four workers cycling sessions through the one free slot on each host
      Map<String, AtomicInteger> served = new ConcurrentHashMap<>(Map.of("a", new AtomicInteger(),
          "b", new AtomicInteger()));
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        workers.add(threads.submit(() -> {
          while (running.get()) {
            try (BrowserSession session = pool.lease(Duration.ofSeconds(30))) {
              session.navigate(pages.url("/page?title=work"));
              session.evaluate("document.title");
              served.get(session.host()).incrementAndGet();
            } catch (BrowserException e) {
              failures.add(e);
            }
          }
          return null;
        }));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> served.get("a").get() >= 3 && served.get("b").get() >= 3);

      HostStatus before = pool.host("a").orElseThrow();
      long pid = before.pid().orElseThrow();
      List<Long> oldTree = Procs.tree(pid);
      assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue(); // kill -9

      // the held sessions on 'a' fail with the typed error; those on 'b' carry on
      for (BrowserSession session : held) {
        if (session.host().equals("a")) {
          await().atMost(Duration.ofSeconds(20)).until(() -> session.failure().isPresent());
          assertThatThrownBy(() -> session.evaluate("1")).isInstanceOf(BrowserCrashedException.class)
              .hasMessageContaining("browser host 'a'");
        } else {
          assertThat(session.evaluate("document.title").asText()).startsWith("held");
          assertThat(session.failure()).isEmpty();
        }
      }
      // the host comes back with a new browser and serves again
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        HostStatus now = pool.host("a").orElseThrow();
        return now.state() == HostState.UP && now.pid().isPresent() && now.pid().getAsLong() != pid;
      });
      assertThat(pool.host("a").orElseThrow().generation()).isEqualTo(before.generation() + 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> Procs.alive(oldTree).isEmpty());
      int servedBefore = served.get("a").get();
      await().atMost(Duration.ofSeconds(60)).until(() -> served.get("a").get() >= servedBefore + 2);

      running.set(false);
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
      // only sessions of the killed browser failed, and only with the typed error
      assertThat(failures).allSatisfy(e -> {
        assertThat(e).isInstanceOf(BrowserCrashedException.class);
        assertThat(((BrowserException) e).host()).isEqualTo("a");
      });
      held.forEach(BrowserSession::close);

      // capacity restored: three sessions on each host at once again
      List<BrowserSession> full = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        full.add(pool.lease(Duration.ofSeconds(20)));
      }
      assertThat(full.stream().filter(s -> s.host().equals("a")).count()).isEqualTo(3);
      for (BrowserSession session : full) {
        assertThat(session.evaluate("1 + 1").asInt()).isEqualTo(2);
        session.close();
      }
      assertThat(registry.get(BrowserMetricNames.CRASHES).tag("endpoint", "a").tag("kind", "browser").counter().count())
          .isEqualTo(1.0);
      assertThat(registry.find(BrowserMetricNames.CRASHES).tag("endpoint", "b").counter()).isNull();
      assertThat(pool.host("b").orElseThrow().generation()).isEqualTo(1);
    } finally {
      threads.shutdownNow();
    }
  }
}
