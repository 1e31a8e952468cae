package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipTarget;
import dev.headroom.testkit.browser.PageServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Local Chromium hosts added, drained and removed while sessions are leased (issue 14 item 1). */
class MembershipTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  private final ExecutorService clients = Executors.newCachedThreadPool();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final List<String> leasedOnRemoved = new CopyOnWriteArrayList<>();
  private final Set<String> removed = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();
  private PageServer pages;
  private BrowserPool pool;

  @AfterEach
  void close() throws InterruptedException {
    running.set(false);
    clients.shutdownNow();
    clients.awaitTermination(20, TimeUnit.SECONDS);
    if (pool != null) {
      pool.close();
    }
    if (pages != null) {
      pages.close();
    }
  }

  private void steadyLoad(int threads) {
    for (int t = 0; t < threads; t++) {
      int thread = t;
      clients.execute(() -> {
        for (int i = 0; running.get(); i++) {
          Set<String> goneBefore = Set.copyOf(removed);
          try (BrowserSession session = pool.lease(Duration.ofSeconds(30))) {
            if (goneBefore.contains(session.host())) {
              leasedOnRemoved.add(session.host());
            }
            session.navigate(pages.url("/page?title=t" + thread + "-" + i));
            if (!session.evaluate("document.title").asText().equals("t" + thread + "-" + i)) {
              throw new AssertionError("wrong title on " + session.host());
            }
            served.computeIfAbsent(session.host(), k -> new AtomicLong()).incrementAndGet();
          } catch (Throwable e) {
            if (running.get()) {
              errors.add(e);
            }
          }
        }
      });
    }
  }

  private long served(String host) {
    AtomicLong count = served.get(host);
    return count == null ? 0 : count.get();
  }

  private long pid(String host) {
    return pool.host(host).orElseThrow().pid().orElseThrow();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void scalingTwoToFourToOneLocalHostsUnderSteadyLoadEndsNoSessionAndStopsTheRemovedBrowsers() throws Exception {
    pages = PageServer.start();
    pool = BrowserPool.create(BrowserPoolConfig.builder("membership")
        .host(BrowserHost.local("a").maxSessions(2))
        .host(BrowserHost.local("b").maxSessions(2))
        .maxWaiters(50)
        .drainTimeout(Duration.ofSeconds(50))
        .build());
    steadyLoad(3);
    await().atMost(BOUND).until(() -> served("a") > 0 && served("b") > 0);

    // 2 -> 4: one through the pool's own method, one through its membership view
    CompletableFuture<Void> cStarted = pool.addHost(BrowserHost.local("c").maxSessions(2).build());
    MembershipTarget view = pool.membership(m -> BrowserHost.local(m.id()).maxSessions(2).build());
    view.add(DiscoveredMember.of("d", URI.create("local:d")));
    assertThat(view.memberIds()).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThatThrownBy(() -> pool.addHost(BrowserHost.local("c").build()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'c'");
    cStarted.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    await().atMost(BOUND).until(() -> pool.hosts().stream().allMatch(h -> h.state() == HostState.UP));
    await().atMost(BOUND).until(() -> served("c") > 0 && served("d") > 0);

    // 4 -> 1, with a session held on b while b is removed
    BrowserSession held = pool.lease(BOUND);
    while (!held.host().equals("b")) {
      BrowserSession other = pool.lease(BOUND);
      held.close();
      held = other;
    }
    long bPid = pid("b");
    long cPid = pid("c");
    long dPid = pid("d");
    CompletableFuture<Void> bGone = pool.removeHost("b");
    removed.add("b"); // a lease that starts from now on must not land on b
    CompletableFuture<Void> cGone = pool.removeHost("c");
    removed.add("c");
    view.drain("d").thenRun(() -> view.remove("d"));
    removed.add("d");
    assertThat(pool.host("b").orElseThrow().draining()).isTrue();
    cGone.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    await().atMost(BOUND).until(() -> pool.host("d").isEmpty());
    assertThat(alive(cPid)).as("c's Chromium").isFalse();
    assertThat(alive(dPid)).as("d's Chromium").isFalse();

    long aBefore = served("a");
    await().atMost(BOUND).until(() -> served("a") > aBefore + 3);
    assertThat(bGone).as("b still has a session").isNotDone();
    try (ChromiumProbe probe = ChromiumProbe.connect(pool, "b")) {
      assertThat(probe.contexts()).as("contexts in b's Chromium: the held session's only").hasSize(1);
    }
    held.navigate(pages.url("/page?title=held"));
    assertThat(held.evaluate("document.title").asText()).as("the session in flight during removal").isEqualTo("held");
    held.close();
    bGone.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    assertThat(alive(bPid)).as("b's Chromium").isFalse();
    assertThat(pool.hosts()).extracting(HostStatus::id).containsExactly("a");

    long aLater = served("a");
    await().atMost(BOUND).until(() -> served("a") > aLater + 3);
    running.set(false);
    assertThat(leasedOnRemoved).as("sessions leased on a host after its removal began").isEmpty();
    assertThat(errors).as("client-visible errors").isEmpty();
    assertThat(pool.drainHost("nobody")).isDone();
    assertThatThrownBy(() -> pool.resumeHost("nobody")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHostAddedAtRunTimeWarmsUpWhenThePoolHasASlowStart() throws Exception {
    pool = BrowserPool.create(BrowserPoolConfig.builder("warming")
        .host(BrowserHost.local("a").maxSessions(2))
        .slowStart(Duration.ofMinutes(10)) // the test takes seconds: the new host stays near the ramp's start
        .build());
    pool.addHost(BrowserHost.local("b").maxSessions(2).build()).get(BOUND.toSeconds(), TimeUnit.SECONDS);
    await().atMost(BOUND).until(() -> pool.host("b").orElseThrow().state() == HostState.UP);

    assertThat(pool.host("b").orElseThrow().warming()).as("added at run time").isTrue();
    assertThat(pool.host("b").orElseThrow().toString()).contains("warming");
    assertThat(pool.host("a").orElseThrow().warming()).as("built with the pool").isFalse();
    try (BrowserSession session = pool.lease(BOUND)) {
      assertThat(session.host()).isIn("a", "b");
    }
  }

  @Test
  void aPoolStartedEmptyLeasesOnceItsFirstHostIsAdded() throws Exception {
    pool = BrowserPool.create(BrowserPoolConfig.builder("empty").startEmpty().build());
    assertThat(pool.hosts()).isEmpty();
    assertThatThrownBy(() -> pool.lease(Duration.ofMillis(50))).isInstanceOf(BrowserPoolExhaustedException.class);

    pool.addHost(BrowserHost.local("a").maxSessions(1).build()).get(BOUND.toSeconds(), TimeUnit.SECONDS);
    try (BrowserSession session = pool.lease(BOUND)) {
      assertThat(session.host()).isEqualTo("a");
    }
  }

  @Test
  void withoutStartEmptyAPoolNeedsAHost() {
    assertThatThrownBy(() -> BrowserPoolConfig.builder("none").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("hosts");
  }
}
