package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The navigation timeout covers a whole navigation, the server's answer included, on one real Chromium: a server
 * that never answers or drips its page costs the navigation timeout, not the 30 s command timeout, ends in a typed
 * {@link NavigationTimeoutException}, and leaves the session usable.
 */
class NavigationTimeoutTest {
  private static final Duration NAVIGATION = Duration.ofSeconds(1);
  private static final Duration SLACK = Duration.ofSeconds(3);
  private static HostileServer server;
  private static BrowserPool pool;

  @BeforeAll
  static void start() {
    server = HostileServer.start(Misbehaviour.neverAnswer())
        .on("/never", Misbehaviour.neverAnswer())
        .on("/drip", Misbehaviour.drip("<html><head><title>slow</title></head><body>" + "x".repeat(200)
            + "</body></html>", 5, "text/html"))
        .on("/good", Misbehaviour.answer(200, "text/html", "<html><head><title>good</title></head><body>ok</body></html>"));
    pool = BrowserPool.create(BrowserPoolConfig.builder("navigation")
        .host(BrowserHost.local("solo").maxSessions(2))
        .navigationTimeout(NAVIGATION)
        .build());
  }

  @AfterAll
  static void stop() {
    pool.close();
    server.close();
  }

  @AfterEach
  void everySessionCameBack() {
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.leased() == 0);
  }

  @Test
  void aServerThatNeverAnswersCostsTheNavigationTimeoutAndTheSessionCarriesOn() {
    try (BrowserSession session = pool.lease(Duration.ofSeconds(20))) {
      String url = "http://scott:tiger@127.0.0.1:" + server.port() + "/never/page?access_token=s3cret#frag";
      long start = System.nanoTime();
      NavigationTimeoutException e = catchThrowableOfType(() -> session.navigate(url),
          NavigationTimeoutException.class);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(e).as("a typed timeout").isNotNull();
      assertThat(took).isLessThan(NAVIGATION.plus(SLACK));
      assertThat(e.timeout()).isEqualTo(NAVIGATION);
      assertThat(e.host()).isEqualTo("solo");
      assertThat(e.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/never/page?…");
      assertThat(e.getMessage()).contains("/never/page", "1000 ms", "had not answered")
          .doesNotContain("tiger", "scott", "s3cret", "access_token");

      session.navigate(server.uri() + "/good");
      assertThat(session.evaluate("document.title").asText()).isEqualTo("good");
    }
  }

  @Test
  void aDrippedPageCostsTheNavigationTimeoutAndTheSessionCarriesOn() {
    try (BrowserSession session = pool.lease(Duration.ofSeconds(20))) {
      long start = System.nanoTime();
      NavigationTimeoutException e = catchThrowableOfType(() -> session.navigate(server.uri() + "/drip"),
          NavigationTimeoutException.class);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(e).as("a typed timeout").isNotNull();
      assertThat(took).isLessThan(NAVIGATION.plus(SLACK));
      assertThat(e).isInstanceOf(NavigationException.class); // existing catch blocks keep working

      session.navigate(server.uri() + "/good");
      assertThat(session.evaluate("document.title").asText()).isEqualTo("good");
    }
  }
}
