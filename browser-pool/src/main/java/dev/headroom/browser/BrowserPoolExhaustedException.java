package dev.headroom.browser;

import dev.headroom.core.EndpointLoad;
import dev.headroom.core.PoolExhaustedException;
import dev.headroom.core.SpillReason;
import java.time.Duration;
import java.util.List;

/**
 * No session could be leased in time: every host was at its cap (or down) until the caller's deadline, or the wait
 * queue was full. Carries how long the caller waited and a snapshot of every host at that moment: sessions leased,
 * cap, warm contexts, callers waiting, and whether it was down or recycling.
 */
public final class BrowserPoolExhaustedException extends PoolExhaustedException {
  private static final long serialVersionUID = 1L;

  private final List<HostStatus> hosts;

  /**
   * @param pool the pool name
   * @param reason why: {@link SpillReason#DEADLINE}, {@link SpillReason#SATURATED} (queue full) or
   *     {@link SpillReason#NO_HEALTHY_ENDPOINT} (every host down)
   * @param detail a sentence for the message
   * @param waited how long the caller waited in all
   * @param waiting callers waiting in the queue at that moment
   * @param endpoints the core pool's per-endpoint load
   * @param hosts the per-host snapshot
   */
  public BrowserPoolExhaustedException(String pool, SpillReason reason, String detail, Duration waited, int waiting,
      List<EndpointLoad> endpoints, List<HostStatus> hosts) {
    super(pool, reason, detail + "; hosts " + hosts, waited, waiting, endpoints);
    this.hosts = List.copyOf(hosts);
  }

  /** Every host as it was when the lease failed. */
  public List<HostStatus> hosts() {
    return hosts;
  }
}
