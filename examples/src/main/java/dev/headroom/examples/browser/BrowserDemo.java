package dev.headroom.examples.browser;

import dev.headroom.browser.BrowserHost;
import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.BrowserPoolConfig;
import dev.headroom.browser.BrowserPoolExhaustedException;
import dev.headroom.browser.BrowserSession;
import dev.headroom.browser.HostStatus;
import dev.headroom.testkit.browser.PageServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The browser-pool section of the demo: two local headless Chromium hosts with a session cap of 2 and one warm
 * context each; isolated leases, a screenshot saved to a file, cold and warm timings, and what a caller sees when
 * every host is full. Without Chromium it says how to install it and returns.
 */
public final class BrowserDemo {
  private BrowserDemo() {}

  /**
   * Runs the section.
   *
   * @param out where to print
   * @param small fewer leases, for a quick run
   */
  public static void run(PrintStream out, boolean small) throws Exception {
    out.println("== Browser pool: leases of isolated headless-Chromium sessions across hosts");
    if (!Files.isExecutable(BrowserHost.DEFAULT_EXECUTABLE)) {
      out.println("  Chromium is not installed (" + BrowserHost.DEFAULT_EXECUTABLE + "), so this section is skipped.");
      out.println("  Install Debian's package and run the demo again:  sudo apt-get install -y chromium");
      return;
    }
    try (PageServer pages = PageServer.start()) {
      long start = System.nanoTime();
      try (BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("demo-browsers")
          .host(BrowserHost.local("chromium-1").maxSessions(2).minIdle(1))
          .host(BrowserHost.local("chromium-2").maxSessions(2).minIdle(1))
          .build())) {
        out.printf(Locale.ROOT, "  launched 2 Chromium processes in %d ms: %s%n", millis(start), pool.hosts());

        // the first page of the first session: what every request would pay without a pool, minus the launch
        long first = System.nanoTime();
        try (BrowserSession session = pool.lease(Duration.ofSeconds(30))) {
          session.navigate(pages.url("/page?title=first"));
          out.printf(Locale.ROOT, "  first session on %s: lease + first page in %d ms (cold total with launch: %d ms)%n",
              session.host(), millis(first), millis(start));
        }

        // warm leases: the context already exists, the lease only reserves a slot and hands it over
        int rounds = small ? 3 : 8;
        double[] leaseMs = new double[rounds];
        double[] pageMs = new double[rounds];
        for (int i = 0; i < rounds; i++) {
          Thread.sleep(300); // give the pool a moment to pre-create the next context, as it would between requests
          long t0 = System.nanoTime();
          try (BrowserSession session = pool.lease(Duration.ofSeconds(30))) {
            leaseMs[i] = (System.nanoTime() - t0) / 1e6;
            session.navigate(pages.url("/page?title=warm-" + i));
            pageMs[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
        out.printf(Locale.ROOT, "  %d warm leases: lease median %.2f ms, lease + page median %.0f ms%n", rounds,
            median(leaseMs), median(pageMs));

        // isolation (two sessions on the same host) and a screenshot
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "headroom-browser-demo.png");
        List<BrowserSession> three = new ArrayList<>();
        try {
          for (int i = 0; i < 3; i++) { // four slots on two hosts: two of three sessions share a host
            three.add(pool.lease(Duration.ofSeconds(30)));
          }
          BrowserSession a = three.get(0);
          BrowserSession b = three.get(1).host().equals(a.host()) ? three.get(1) : three.get(2);
          if (!b.host().equals(a.host())) {
            a = three.get(1);
          }
          a.navigate(pages.url("/set-cookie?name=user&value=alice&title=Headroom%20browser%20pool&color=%232b7a78"));
          a.evaluate("localStorage.setItem('cart', '3 items')");
          b.navigate(pages.url("/echo-cookies"));
          out.printf(Locale.ROOT, "  two sessions on %s: A has cookies %s and localStorage cart=%s; B sees cookies '%s',"
                  + " cart=%s%n", a.host(), a.cookies().stream().map(c -> c.name()).toList(),
              a.evaluate("localStorage.getItem('cart')").asText(), b.evaluate("document.cookie").asText(),
              b.evaluate("localStorage.getItem('cart')"));
          a.navigate(pages.url("/page?color=%232b7a78&title=Headroom%20browser%20pool%3A%20session%20A%20on%20" + a.host()));
          long shot = System.nanoTime();
          byte[] png = a.screenshot();
          Files.write(file, png);
          out.printf(Locale.ROOT, "  screenshot of session A: %d bytes in %d ms, saved to %s%n", png.length,
              millis(shot), file);
        } finally {
          three.forEach(BrowserSession::close);
        }

        // every slot taken: a caller waits up to its deadline, then gets the per-host snapshot
        List<BrowserSession> held = new ArrayList<>();
        try {
          for (int i = 0; i < 4; i++) {
            held.add(pool.lease(Duration.ofSeconds(30)));
          }
          pool.lease(Duration.ofMillis(250));
          out.println("  unexpected: a fifth session was leased");
        } catch (BrowserPoolExhaustedException e) {
          out.printf(Locale.ROOT, "  a 5th caller waited %d ms, then: %s%n", e.waited().toMillis(), e.hosts());
        } finally {
          held.forEach(BrowserSession::close);
        }
        for (HostStatus host : pool.hosts()) {
          out.printf(Locale.ROOT, "  %s: generation %d, %d contexts created, pid %s%n", host.id(), host.generation(),
              host.contextsCreated(), host.pid().isPresent() ? String.valueOf(host.pid().getAsLong()) : "-");
        }
      }
      out.println("  pool closed: every Chromium process it launched was killed and its profile deleted");
    }
  }

  private static long millis(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
