package dev.headroom.browser;

/**
 * The names of the browser pool's own Micrometer meters. They come on top of the core pool's meters, which the
 * browser pool registers under the same {@code pool} name with one {@code endpoint} per host:
 * {@code headroom.inflight{pool,endpoint}} (sessions in use), {@code headroom.queue.depth{pool}},
 * {@code headroom.queue.wait{pool}}, {@code headroom.requests{pool,endpoint,tier,outcome}},
 * {@code headroom.latency{pool,endpoint}} (session length) and {@code headroom.endpoint.up{pool,endpoint}}.
 */
public final class BrowserMetricNames {
  /** Timer from {@code lease()} to a ready session (queueing and context creation included): pool, endpoint. */
  public static final String LEASE_WAIT = "headroom.browser.lease.wait";
  /** Counter of leases by where the context came from: pool, endpoint, context ({@code warm} or {@code new}). */
  public static final String LEASES = "headroom.browser.leases";
  /** Gauge of warm contexts waiting for a lease: pool, endpoint. */
  public static final String IDLE = "headroom.browser.idle";
  /** Counter of crashes: pool, endpoint, kind ({@code renderer} or {@code browser}). */
  public static final String CRASHES = "headroom.browser.crashes";
  /** Counter of browsers retired: pool, endpoint, reason ({@code contexts}, {@code age} or {@code rss}). */
  public static final String RECYCLES = "headroom.browser.recycles";
  /** Counter of browser launches (or remote connects): pool, endpoint, result ({@code ok} or {@code failed}). */
  public static final String LAUNCHES = "headroom.browser.launches";
  /** Gauge of the resident memory of a local host's browser process tree, in bytes: pool, endpoint. */
  public static final String RSS = "headroom.browser.rss";
  /** Counter of leases reported as probable leaks: pool, endpoint. */
  public static final String LEAKS = "headroom.browser.leaks";

  private BrowserMetricNames() {}
}
