package dev.headroom.spring.actuate;

import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.HostState;
import dev.headroom.browser.HostStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of a {@link BrowserPool}: {@code UP} when every host is up, {@link PoolHealthIndicator#DEGRADED} when
 * some are starting, recycling or down but at least one takes leases, {@code DOWN} when none does. The details list
 * every host with its state, sessions leased, cap, warm contexts, browser generation and, for a local host, the
 * browser's PID and resident memory.
 */
public final class BrowserHealthIndicator implements HealthIndicator {
  private final BrowserPool pool;

  /** @param pool the pool to report on */
  public BrowserHealthIndicator(BrowserPool pool) {
    this.pool = pool;
  }

  @Override
  public Health health() {
    int up = 0;
    int hosts = 0;
    Map<String, Object> details = new LinkedHashMap<>();
    for (HostStatus host : pool.hosts()) {
      hosts++;
      if (host.state() == HostState.UP) {
        up++;
      }
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("state", host.state().name());
      detail.put("local", host.local());
      detail.put("leased", host.leased());
      detail.put("cap", host.cap());
      detail.put("draining", host.draining());
      detail.put("warming", host.warming());
      detail.put("idle", host.idle());
      detail.put("generation", host.generation());
      detail.put("contextsCreated", host.contextsCreated());
      host.pid().ifPresent(pid -> detail.put("pid", pid));
      host.rssBytes().ifPresent(rss -> detail.put("rssBytes", rss));
      details.put(host.id(), detail);
    }
    Status status = up == 0 ? Status.DOWN : up < hosts ? PoolHealthIndicator.DEGRADED : Status.UP;
    return Health.status(status)
        .withDetail("up", up + "/" + hosts)
        .withDetail("leased", pool.leased())
        .withDetail("waiting", pool.queueDepth())
        .withDetail("hosts", details)
        .build();
  }
}
