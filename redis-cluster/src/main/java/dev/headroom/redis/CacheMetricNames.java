package dev.headroom.redis;

/**
 * The names and tags of the cache's Micrometer meters. Every meter has the tags {@code cache} (the
 * {@link CacheCluster}'s name) and, except {@link #L2_UP} and {@link #L2_NODES_DOWN}, {@code namespace}.
 */
public final class CacheMetricNames {
  /** Counter of lookups: tags tier ({@code l1}, {@code l2}), result ({@code hit}, {@code miss}). */
  public static final String GETS = "headroom.cache.gets";
  /**
   * Counter of loader calls: tag result ({@code success}, {@code failure}), kind ({@code miss}, {@code early}, and
   * {@code warm}: one call of a {@code warmOnStartup} or {@code warmEvery} supplier).
   */
  public static final String LOADS = "headroom.cache.loads";
  /** Timer of loader calls. */
  public static final String LOAD_TIME = "headroom.cache.load.time";
  /** Counter of callers that waited for another caller's load of the same key instead of loading. */
  public static final String COALESCED = "headroom.cache.coalesced";
  /**
   * Counter of cross-replica single flights (one per L2 miss that would call the loader, when the namespace has
   * {@code replicaSingleFlight} on): tag result: {@code loaded} (this replica took the key's loading lock and ran
   * the loader), {@code received} (another replica's load provided the value, the loader did not run here),
   * {@code took_over} (the lock holder failed or died, this replica took the lock over and ran the loader),
   * {@code timeout} (the wait passed its bound and this replica ran the loader without the lock), {@code skipped}
   * (L2 did not answer or the key's master is down: the loader ran here, as without the feature).
   */
  public static final String FLIGHTS = "headroom.cache.flights";
  /** Timer of the waits for another replica's load (the {@code received}, {@code took_over}, {@code timeout} ones). */
  public static final String FLIGHT_WAIT = "headroom.cache.flight.wait";
  /** Gauge: callers of this process waiting now for another replica's load. */
  public static final String FLIGHTS_WAITING = "headroom.cache.flights.waiting";
  /**
   * Counter of reads that found their entry gone because its TTL passed ({@code ttl_expired}): an L2 lookup (after an
   * L1 miss, including an L1 entry that expired with its L2 TTL) answered with a miss for a key whose last value this
   * process wrote or read, whose expiry time has passed, and that was not invalidated since. Each such entry counts
   * once. Evictions under {@code maxmemory} before the expiry, deletes and invalidations do not count.
   */
  public static final String TTL_EXPIRED = "headroom.cache.ttl.expired";
  /** Gauge: the namespace's current L2 TTL in seconds. */
  public static final String TTL = "headroom.cache.ttl";
  /** Gauge: the hit-rate target (the lower edge of the band). */
  public static final String TARGET = "headroom.cache.hit.target";
  /** Gauge: the tuner's smoothed hit rate (NaN before its first window). */
  public static final String HIT_RATE = "headroom.cache.hit.rate";
  /** Gauge: 1 while the tuner reports its target unreachable, else 0. */
  public static final String TARGET_UNREACHABLE = "headroom.cache.hit.target.unreachable";
  /** Counter of invalidations: tag direction ({@code sent}, {@code received}). */
  public static final String INVALIDATIONS = "headroom.cache.invalidations";
  /**
   * Counter of L1 clears after missed invalidations: tag reason ({@code gap}, {@code resubscribed},
   * {@code subscription_lost}, {@code l2_recovered}).
   */
  public static final String L1_CLEARS = "headroom.cache.l1.clears";
  /** Counter of sequence gaps detected on the invalidation channel. */
  public static final String GAPS = "headroom.cache.invalidation.gaps";
  /**
   * Counter of L2 errors: tag kind ({@code timeout}, {@code error}, {@code unacknowledged}, {@code publish}: an
   * invalidation whose first publish failed, it is retried; and the per-key data faults, which count against no
   * node: {@code decode}, {@code wrongtype}: the key holds another Redis type, {@code oversize}: a value over the
   * namespace's {@code maxValueBytes}, read or about to be written).
   */
  public static final String L2_ERRORS = "headroom.cache.l2.errors";
  /** Gauge: 1 while L2 is UP, else 0 (tag cache only). */
  public static final String L2_UP = "headroom.cache.l2.up";
  /** Gauge: L2 masters marked down now, whose keys go to the loaders (tag cache only). */
  public static final String L2_NODES_DOWN = "headroom.cache.l2.nodes.down";
  /** Gauge: entries in L1. */
  public static final String L1_SIZE = "headroom.cache.l1.size";

  /** Tag key: the cluster client's name. */
  public static final String CACHE = "cache";
  /** Tag key: the namespace. */
  public static final String NAMESPACE = "namespace";
  /** Tag key: the tier. */
  public static final String TIER = "tier";
  /** Tag key: the result. */
  public static final String RESULT = "result";
  /** Tag key: the kind of error or load. */
  public static final String KIND = "kind";

  private CacheMetricNames() {}
}
