package dev.headroom.core;

/**
 * The names and tag keys of Headroom's Micrometer meters, chosen so that an HPA or KEDA can scale on them. In
 * Prometheus they appear with dots as underscores, {@code _total} on counters and {@code _seconds} on timers
 * (for example {@code headroom_queue_depth}, {@code headroom_requests_total}, {@code headroom_latency_seconds}).
 */
public final class HeadroomMetrics {
  /** Counter of completed leases: tags pool, endpoint, tier, outcome. */
  public static final String REQUESTS = "headroom.requests";
  /** Gauge of leases held: tags pool, endpoint. */
  public static final String INFLIGHT = "headroom.inflight";
  /** Gauge of callers waiting for a lease: tag pool. */
  public static final String QUEUE_DEPTH = "headroom.queue.depth";
  /** Timer of time spent waiting in the queue: tag pool. */
  public static final String QUEUE_WAIT = "headroom.queue.wait";
  /** Timer of lease-to-completion time: tags pool, endpoint. */
  public static final String LATENCY = "headroom.latency";
  /** Counter of requests passed from one tier to the next: tags from, to, reason. */
  public static final String SPILLOVER = "headroom.spillover";
  /** Counter of ejections: tags pool, endpoint, reason (outlier or breaker). */
  public static final String EJECTIONS = "headroom.ejections";
  /** Gauge, 1 when an endpoint is eligible: tags pool, endpoint. */
  public static final String ENDPOINT_UP = "headroom.endpoint.up";
  /** Counter of retries the router sent, and of those the retry budget refused: tags router, result. */
  public static final String RETRIES = "headroom.retries";

  /** Counter of leases held past the pool's leak detection threshold or lost unended: tags pool, endpoint. */
  public static final String LEASES_LEAKED = "headroom.pool.leases.leaked";

  /** Tag key: the pool name. */
  public static final String POOL = "pool";
  /** Tag key: the endpoint id. */
  public static final String ENDPOINT = "endpoint";
  /** Tag key: the tier name. */
  public static final String TIER = "tier";
  /** Tag key: the lease outcome, see {@link Outcome#tag()}. */
  public static final String OUTCOME = "outcome";

  private HeadroomMetrics() {}
}
