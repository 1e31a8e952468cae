package dev.headroom.redis.fleet;

/**
 * The names and tags of {@link RedisFleet}'s Micrometer meters. In Prometheus they appear with dots as underscores
 * and {@code _total} on counters ({@code headroom_fleet_replicas}, {@code headroom_fleet_permits_total}).
 */
public final class FleetMetricNames {
  /** Gauge: replicas seen alive at the last heartbeat, this one included (the last known count while degraded). */
  public static final String REPLICAS = "headroom.fleet.replicas";
  /** Gauge: 1 while decisions are made locally because Redis did not answer within the command budget, else 0. */
  public static final String DEGRADED = "headroom.fleet.degraded";
  /**
   * Counter of global permit requests: tags pool, result ({@code granted}, {@code denied}), mode ({@code shared}:
   * decided by Redis, {@code local}: decided by this replica while degraded).
   */
  public static final String PERMITS = "headroom.fleet.permits";
  /**
   * Counter of coordination calls that fell back to a local decision or were lost: tag kind ({@code timeout}: no
   * answer within the command budget, {@code error}: a connection or command error).
   */
  public static final String ERRORS = "headroom.fleet.errors";

  /** Tag key: the pool name (as in core's {@code headroom.*{pool}} meters). */
  public static final String POOL = "pool";
  /** Tag key: the result. */
  public static final String RESULT = "result";
  /** Tag key: who decided. */
  public static final String MODE = "mode";
  /** Tag key: the kind of error. */
  public static final String KIND = "kind";

  private FleetMetricNames() {}
}
