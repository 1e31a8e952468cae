package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.time.Scheduler;
import dev.headroom.testkit.browser.PageServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Remote hosts: a Chromium started outside the pool (here by the test, on loopback) reached through its DevTools
 * endpoint, mixed with a local host in one pool; reconnected after it restarts.
 */
class RemoteHostTest {

  @Test
  void aRemoteHostServesLeasesBesideALocalOneAndIsReconnectedAfterARestart() throws Exception {
    ChromiumProcess remote = startOutsideThePool(0);
    int port = remote.devToolsUrl(Duration.ofSeconds(30), Scheduler.system()).get(40, TimeUnit.SECONDS).getPort();
    ChromiumProcess restarted = null;
    try (PageServer pages = PageServer.start();
        BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("mixed")
            .host(BrowserHost.local("local").maxSessions(1))
            .host(BrowserHost.remote("remote", URI.create("http://127.0.0.1:" + port)).maxSessions(1))
            .relaunchBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
            .build())) {
      HostStatus status = pool.host("remote").orElseThrow();
      assertThat(status.local()).isFalse();
      assertThat(status.pid()).isEmpty(); // not ours to kill
      assertThat(status.webSocketUrl().orElseThrow().getPort()).isEqualTo(port);

      BrowserSession first = pool.lease(Duration.ofSeconds(20));
      BrowserSession second = pool.lease(Duration.ofSeconds(20));
      BrowserSession onRemote = first.host().equals("remote") ? first : second;
      BrowserSession onLocal = first.host().equals("remote") ? second : first;
      assertThat(onLocal.host()).isEqualTo("local");
      onRemote.navigate(pages.url("/page?title=remote"));
      assertThat(onRemote.evaluate("document.title").asText()).isEqualTo("remote");
      assertThat(onRemote.webSocketUrl().getPort()).isEqualTo(port);

      remote.kill(); // the remote browser goes away
      await().atMost(Duration.ofSeconds(20)).until(() -> onRemote.failure().isPresent());
      assertThatThrownBy(() -> onRemote.evaluate("1")).isInstanceOf(BrowserCrashedException.class);
      await().atMost(Duration.ofSeconds(20)).until(() -> pool.host("remote").orElseThrow().down());
      assertThat(onLocal.evaluate("2").asInt()).isEqualTo(2);
      onRemote.close();

      restarted = startOutsideThePool(port); // it comes back on the same port: /json/version answers again
      await().atMost(Duration.ofSeconds(60)).until(() -> pool.host("remote").orElseThrow().state() == HostState.UP);
      assertThat(pool.host("remote").orElseThrow().generation()).isGreaterThanOrEqualTo(2);
      try (BrowserSession again = pool.lease(Duration.ofSeconds(20))) {
        assertThat(again.host()).isEqualTo("remote"); // the local host's only slot is still held
        again.navigate(pages.url("/page?title=back"));
        assertThat(again.evaluate("document.title").asText()).isEqualTo("back");
      }
      onLocal.close();
    } finally {
      remote.kill();
      if (restarted != null) {
        restarted.kill();
      }
    }
  }

  @Test
  void aRemoteHostCanBeGivenItsWebSocketUrlDirectly() throws Exception {
    ChromiumProcess remote = startOutsideThePool(0);
    try {
      URI ws = remote.devToolsUrl(Duration.ofSeconds(30), Scheduler.system()).get(40, TimeUnit.SECONDS);
      try (BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("ws")
              .host(BrowserHost.remote("direct", ws).maxSessions(2))
              .build());
          BrowserSession session = pool.lease(Duration.ofSeconds(20))) {
        assertThat(session.webSocketUrl()).isEqualTo(ws);
        assertThat(session.evaluate("navigator.userAgent").asText()).contains("HeadlessChrome");
      }
      // the pool did not kill what it did not launch
      assertThat(remote.isAlive()).isTrue();
    } finally {
      remote.kill();
    }
  }

  /** A Chromium the pool does not own, as a remote VM would run it. */
  private static ChromiumProcess startOutsideThePool(int port) {
    return ChromiumProcess.start("remote-fixture", BrowserHost.DEFAULT_EXECUTABLE, port, List.of());
  }
}
