package dev.headroom.sql;

/** Why a read did not go to a replica. Its name is the {@code reason} tag of the fallback metric. */
public enum FallbackReason {
  /** Every replica is down (failed probe), ejected after connection failures, or not verified yet. */
  NO_HEALTHY_REPLICA,
  /** The replicas that are up all lag behind the primary by more than the configured limit. */
  LAGGING,
  /**
   * Read-your-writes: no replica had replayed this scope's last write (within the configured wait), or a write's
   * position was not known yet because its primary connection was still open.
   */
  READ_YOUR_WRITES,
  /** Every eligible replica was at its connection limit. */
  SATURATED,
  /** Taking a connection from the replicas that were tried failed. */
  REPLICA_FAILED
}
