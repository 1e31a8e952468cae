package dev.headroom.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A test's own DevTools connection to a browser, to ask Chromium itself (not the pool's counters) what exists: which
 * browser contexts, which page targets.
 */
final class ChromiumProbe implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final CdpConnection connection;

  private ChromiumProbe(CdpConnection connection) {
    this.connection = connection;
  }

  static ChromiumProbe connect(URI webSocketUrl) throws Exception {
    return new ChromiumProbe(CdpConnection.connect(HttpClient.newHttpClient(), webSocketUrl, "probe", MAPPER,
        Scheduler.system(), Duration.ofSeconds(10), Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS));
  }

  static ChromiumProbe connect(BrowserPool pool, String host) throws Exception {
    return connect(pool.host(host).orElseThrow().webSocketUrl().orElseThrow());
  }

  JsonNode send(String method) throws Exception {
    return connection.send(CdpConnection.BROWSER, method, null).get(20, TimeUnit.SECONDS);
  }

  /** Browser contexts other than the default one (Target.getBrowserContexts). */
  Set<String> contexts() throws Exception {
    Set<String> ids = new HashSet<>();
    send("Target.getBrowserContexts").path("browserContextIds").forEach(id -> ids.add(id.asText()));
    return ids;
  }

  /** Page targets (Target.getTargets) that live in a non-default context. */
  List<JsonNode> pagesInContexts() throws Exception {
    Set<String> contexts = contexts();
    List<JsonNode> pages = new ArrayList<>();
    for (JsonNode target : send("Target.getTargets").path("targetInfos")) {
      if ("page".equals(target.path("type").asText())
          && contexts.contains(target.path("browserContextId").asText())) {
        pages.add(target);
      }
    }
    return pages;
  }

  /** The number of distinct non-default contexts that have a page, according to Target.getTargets. */
  int contextsWithPages() throws Exception {
    Set<String> seen = new HashSet<>();
    for (JsonNode page : pagesInContexts()) {
      seen.add(page.path("browserContextId").asText());
    }
    return seen.size();
  }

  @Override
  public void close() {
    connection.close(new BrowserException("probe", "probe closed"));
  }
}
