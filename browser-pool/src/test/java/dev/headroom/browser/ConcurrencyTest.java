package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.SpillReason;
import dev.headroom.testkit.browser.PageServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two real Chromium hosts with a cap of 3 each (one warm context each), under contention. */
class ConcurrencyTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final int MAX_WAITERS = 20; // 20 callers can all be waiting while the slots change hands
  private static PageServer pages;
  private static BrowserPool pool;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() {
    pages = PageServer.start();
    pool = BrowserPool.create(BrowserPoolConfig.builder("contended")
        .host(BrowserHost.local("a").maxSessions(3).minIdle(1))
        .host(BrowserHost.local("b").maxSessions(3).minIdle(1))
        .maxWaiters(MAX_WAITERS)
        .build());
  }

  @AfterAll
  static void stop() {
    pool.close();
    pages.close();
  }

  @AfterEach
  void allBack() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> pool.leased() == 0 && pool.queueDepth() == 0);
  }

  @Test
  void twentyThreadsNeverGetMoreThanThreeContextsPerHostAsChromiumCountsThem() throws Exception {
    Map<String, Integer> maxContexts = new ConcurrentHashMap<>();
    Map<String, Integer> maxPages = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> perHost = new ConcurrentHashMap<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    try (ChromiumProbe probeA = ChromiumProbe.connect(pool, "a"); ChromiumProbe probeB = ChromiumProbe.connect(pool, "b")) {
      Future<?> monitor = threads.submit(() -> {
        while (running.get()) {
          for (var entry : Map.of("a", probeA, "b", probeB).entrySet()) {
            try {
              maxContexts.merge(entry.getKey(), entry.getValue().contexts().size(), Math::max);
              maxPages.merge(entry.getKey(), entry.getValue().contextsWithPages(), Math::max);
            } catch (Exception e) {
              errors.add(e);
            }
          }
          LockSupport.parkNanos(5_000_000); // sample every few ms
        }
        return null;
      });
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 20; t++) {
        int thread = t;
        workers.add(threads.submit(() -> {
          go.await();
          for (int i = 0; i < 2; i++) {
            try (BrowserSession session = pool.lease(LONG)) {
              String title = "t" + thread + "-" + i;
              session.navigate(pages.url("/page?title=" + title));
              assertThat(session.evaluate("document.title").asText()).isEqualTo(title);
              perHost.computeIfAbsent(session.host(), h -> new AtomicInteger()).incrementAndGet();
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> worker : workers) {
        worker.get(150, TimeUnit.SECONDS);
      }
      running.set(false);
      monitor.get(20, TimeUnit.SECONDS);
    }
    assertThat(errors).isEmpty();
    assertThat(perHost.get("a").get() + perHost.get("b").get()).isEqualTo(40);
    assertThat(perHost.get("a").get()).isPositive();
    assertThat(perHost.get("b").get()).isPositive();
    assertThat(maxContexts).containsEntry("a", 3).containsEntry("b", 3); // reached, never passed
    assertThat(maxPages.get("a")).isBetween(1, 3);
    assertThat(maxPages.get("b")).isBetween(1, 3);
  }

  @Test
  void waitingCallersAreServedInArrivalOrderAndTheQueueIsBounded() throws Exception {
    List<BrowserSession> held = holdAll();
    List<Integer> order = new CopyOnWriteArrayList<>();
    List<BrowserSession> served = new CopyOnWriteArrayList<>();
    for (int i = 0; i < MAX_WAITERS; i++) {
      int waiter = i;
      threads.submit(() -> {
        BrowserSession session = pool.lease(LONG);
        served.add(session);
        order.add(waiter);
        return null;
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> pool.queueDepth() == waiter + 1);
    }
    long before = System.nanoTime();
    assertThatThrownBy(() -> pool.lease(LONG)) // the queue is full: the next caller is refused at once
        .isInstanceOfSatisfying(BrowserPoolExhaustedException.class, e -> {
          assertThat(e.lastReason()).isEqualTo(SpillReason.SATURATED);
          assertThat(e.getMessage()).contains("queue is full (maxWaiters " + MAX_WAITERS + ")");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(LONG);
    // free one slot at a time: each goes to the longest-waiting caller
    for (int k = 0; k < held.size(); k++) {
      held.get(k).close();
      int expected = k + 1;
      await().atMost(Duration.ofSeconds(20)).until(() -> order.size() == expected);
    }
    assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);
    // then six slots at a time: each batch goes to the next six in line
    while (order.size() < MAX_WAITERS) {
      int from = order.size();
      List<BrowserSession> batch = List.copyOf(served);
      served.removeAll(batch);
      batch.forEach(BrowserSession::close);
      int to = Math.min(MAX_WAITERS, from + batch.size());
      await().atMost(Duration.ofSeconds(30)).until(() -> order.size() == to);
      List<Integer> expected = new ArrayList<>();
      for (int i = from; i < to; i++) {
        expected.add(i);
      }
      assertThat(order.subList(from, to)).containsExactlyInAnyOrderElementsOf(expected);
    }
    served.forEach(BrowserSession::close);
  }

  @Test
  void theExhaustedErrorCarriesAPerHostSnapshotAndTheTimeWaited() throws Exception {
    List<BrowserSession> held = holdAll();
    Future<BrowserSession> patient = threads.submit(() -> pool.lease(LONG));
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.queueDepth() == 1);
    Duration timeout = Duration.ofMillis(400);
    assertThatThrownBy(() -> pool.lease(timeout))
        .isInstanceOfSatisfying(BrowserPoolExhaustedException.class, e -> {
          assertThat(e.lastReason()).isEqualTo(SpillReason.DEADLINE);
          assertThat(e.waited()).isGreaterThanOrEqualTo(timeout);
          assertThat(e.pool()).isEqualTo("contended");
          assertThat(e.waiting()).isEqualTo(1); // the patient caller still queued
          assertThat(e.hosts()).extracting(HostStatus::id).containsExactly("a", "b");
          for (HostStatus host : e.hosts()) {
            assertThat(host.leased()).isEqualTo(3);
            assertThat(host.cap()).isEqualTo(3);
            assertThat(host.idle()).isZero();
            assertThat(host.waiting()).isEqualTo(1);
            assertThat(host.down()).isFalse();
            assertThat(host.state()).isEqualTo(HostState.UP);
          }
          assertThat(e.getMessage()).contains("a[3/3 UP").contains("b[3/3 UP").contains("waited");
        });
    held.get(0).close();
    patient.get(30, TimeUnit.SECONDS).close();
    held.forEach(BrowserSession::close);
  }

  private static List<BrowserSession> holdAll() {
    List<BrowserSession> held = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      held.add(pool.lease(LONG));
    }
    assertThat(pool.hosts()).allSatisfy(host -> assertThat(host.leased()).isEqualTo(3));
    return held;
  }
}
