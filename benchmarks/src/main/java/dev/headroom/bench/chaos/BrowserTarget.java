package dev.headroom.bench.chaos;

import dev.headroom.browser.BrowserHost;
import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.BrowserPoolConfig;
import dev.headroom.browser.BrowserSession;
import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BrowserPool} over one local headless Chromium (cap 3 sessions) browsing pages of a server that the
 * schedule turns hostile (never answers, drips), and whose Chromium the schedule kills with SIGKILL. A request is a
 * lease, a navigation and a read of the page title.
 */
final class BrowserTarget implements SoakTarget {
  private static final Duration LEASE_WAIT = Duration.ofMillis(500);
  private static final Duration NAVIGATION = Duration.ofSeconds(2);
  private static final String PAGE = "<!DOCTYPE html><html><head><title>ok</title></head><body>soak</body></html>";

  private final HostileServer pages = HostileServer.start(Misbehaviour.answer(200, "text/html", PAGE));
  private final BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("soak")
      .host(BrowserHost.local("chromium-1").maxSessions(3).minIdle(1))
      .navigationTimeout(NAVIGATION)
      .build());

  @Override
  public String name() {
    return "browser-pool";
  }

  @Override
  public Duration timeout() {
    // the lease wait, the navigation, and a second for the title read and the context's disposal
    return LEASE_WAIT.plus(NAVIGATION).plusSeconds(1);
  }

  @Override
  public int clients() {
    return 3;
  }

  @Override
  public void request(int client, long seq) {
    try (BrowserSession session = pool.lease(LEASE_WAIT)) {
      session.navigate(pages.uri() + "/page/" + client + "/" + seq);
      String title = session.evaluate("document.title").asText();
      if (!title.equals("ok")) {
        throw new IllegalStateException("unexpected title '" + title + "'");
      }
    }
  }

  @Override
  public List<Fault> faults() {
    Misbehaviour good = Misbehaviour.answer(200, "text/html", PAGE);
    return List.of(
        new Fault("page server never answers", () -> pages.otherwise(Misbehaviour.neverAnswer()),
            () -> pages.otherwise(good)),
        new Fault("Chromium killed (SIGKILL)", () -> chromiums().forEach(ProcessHandle::destroyForcibly), () -> { }),
        new Fault("page server drips 10 B/s", () -> pages.otherwise(Misbehaviour.drip(PAGE, 10, "text/html")),
            () -> pages.otherwise(good)));
  }

  private static List<ProcessHandle> chromiums() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
        .toList();
  }

  @Override
  public Map<String, Long> leftovers() {
    Map<String, Long> left = new LinkedHashMap<>();
    left.put("sessions leased", (long) pool.leased());
    left.put("page connections open", (long) pages.openConnections());
    return left;
  }

  @Override
  public void close() {
    pool.close();
    pages.close();
  }

  @Override
  public Map<String, Long> afterClose() {
    return Map.of("Chromium processes left", (long) chromiums().size());
  }
}
