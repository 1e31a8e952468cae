package dev.headroom.examples.browser;

import dev.headroom.browser.BrowserHost;
import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.BrowserPoolConfig;
import dev.headroom.browser.BrowserPoolExhaustedException;
import dev.headroom.browser.BrowserSession;
import dev.headroom.testkit.browser.PageServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * headroom-browser-pool in one page: one local headless Chromium (Debian's {@code /usr/bin/chromium}) with a cap
 * of 2 sessions and one context kept warm; isolated sessions, a screenshot, and what a third caller sees while both
 * sessions are taken. The pages come from a page server on loopback.
 *
 * <pre>java -cp examples/target/headroom-demo.jar dev.headroom.examples.browser.BrowserPoolExample</pre>
 */
public final class BrowserPoolExample {
  private BrowserPoolExample() {}

  /** Runs the example and prints what each step saw. */
  public static void main(String[] args) throws Exception {
    try (PageServer pages = PageServer.start();
        BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("example")
            .host(BrowserHost.local("chromium-1")
                .maxSessions(2)                        // the session cap of this host
                .minIdle(1)                            // one browser context created ahead of demand
                .recycleAfterContexts(500))            // a fresh browser after 500 contexts
            .build())) {
      System.out.println("hosts: " + pool.hosts());

      // 1. A session: its own browser context (cookies, storage, cache), disposed when it closes.
      try (BrowserSession session = pool.lease(Duration.ofSeconds(10))) {
        session.navigate(pages.url("/set-cookie?name=user&value=ada"));
        System.out.println("leased on " + session.host() + ", cookies: " + session.cookies().size());
        session.navigate(pages.url("/page?title=Hello%20Headroom&color=%23ffcc00"));
        System.out.println("title: " + session.evaluate("document.title").asText());
        Path png = Files.createTempFile("headroom-example-", ".png");
        Files.write(png, session.screenshot());
        System.out.println("screenshot: " + Files.size(png) + " bytes in " + png);
      }

      // 2. The next session starts clean: the cookie of the first stayed in its (disposed) context.
      try (BrowserSession session = pool.lease(Duration.ofSeconds(10))) {
        session.navigate(pages.url("/page?title=again"));
        System.out.println("next session's cookies: " + session.cookies().size());
      }

      // 3. Both sessions taken: a third caller waits its 500 ms, then gets a typed error with every host's load.
      try (BrowserSession a = pool.lease(Duration.ofSeconds(10));
          BrowserSession b = pool.lease(Duration.ofSeconds(10))) {
        System.out.println("two sessions held: " + a.host() + ", " + b.host());
        try (BrowserSession c = pool.lease(Duration.ofMillis(500))) {
          System.out.println("unexpected third session on " + c.host());
        } catch (BrowserPoolExhaustedException e) {
          System.out.println("third caller: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }
      System.out.println("sessions leased after the example: " + pool.leased());
    } // closing the pool kills the browser and every helper process, and deletes its profile
  }
}
