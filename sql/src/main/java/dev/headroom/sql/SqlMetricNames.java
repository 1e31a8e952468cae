package dev.headroom.sql;

/**
 * The Micrometer meters a {@link ReplicaRoutingDataSource} adds to core's (see
 * {@link dev.headroom.core.HeadroomMetrics}), with the same tag keys. Core's own meters come from its two pools:
 * {@code headroom.requests}, {@code headroom.inflight}, {@code headroom.latency}, {@code headroom.endpoint.up} and
 * {@code headroom.ejections} with {@code pool=<name>} for the replicas and {@code pool=<name>.primary} for the
 * primary; a connection is one lease. Fallbacks to the primary are core's {@code headroom.spillover} with
 * {@code router=<name>, from=replica, to=primary} (or {@code to=none} when reads fail instead) and
 * {@code reason=<}{@link FallbackReason}{@code >}.
 */
public final class SqlMetricNames {
  /** Counter of connections routed, per node: tags pool, endpoint, role (primary, replica), access (read, write). */
  public static final String CONNECTIONS = "headroom.sql.connections";
  /** Gauge of WAL bytes a replica was behind the primary at its last probe: tags pool, endpoint. */
  public static final String REPLICA_LAG_BYTES = "headroom.sql.replica.lag.bytes";
  /** Time gauge of how long a replica has been behind the primary (seconds in Prometheus): tags pool, endpoint. */
  public static final String REPLICA_LAG = "headroom.sql.replica.lag";
  /** Gauge, 1 when reads may go to a replica (up, verified standby, within the lag limits): tags pool, endpoint. */
  public static final String REPLICA_ELIGIBLE = "headroom.sql.replica.eligible";
  /** Timer of read-your-writes waits on a replica: tags pool, result (reached, timed_out). */
  public static final String REPLICA_WAIT = "headroom.sql.replica.wait";

  /** Tag key: {@code primary} or {@code replica}. */
  public static final String ROLE = "role";
  /** Tag key: {@code read} or {@code write}. */
  public static final String ACCESS = "access";

  private SqlMetricNames() {}
}
