package dev.headroom.sql;

import dev.headroom.core.Health;
import java.time.Duration;
import java.util.Optional;

/**
 * A point-in-time view of one replica, from {@link ReplicaRoutingDataSource#replicas()}: its health in the pool,
 * whether its last probe showed a hot standby, and its lag behind the primary.
 *
 * @param id the replica id
 * @param health {@code DOWN} after failed probes, {@code EJECTED} after connection failures, else {@code UP}
 * @param verified whether a probe (or the start-up check) confirmed it is a hot standby in recovery
 * @param lagging whether its lag passes a limit, which keeps reads away from it
 * @param lagBytes WAL bytes between the primary's position and the replica's replayed position at the last probe
 * @param lag for how long the replica has been missing WAL that the primary had (zero when caught up)
 * @param replayedPosition the last known replayed WAL position, or -1 when unknown
 * @param inFlight connections currently handed out on it
 * @param problem why it gets no reads, or empty when it does
 * @param draining whether it is drained or being removed at run time
 *     ({@link ReplicaRoutingDataSource#drainReplica(String)}): no new reads, its open connections run on
 * @param warming whether it was added at run time and the slow start
 *     ({@link ReplicaRoutingDataSource.Builder#slowStart}) has not brought it to its full share of the reads yet
 */
public record ReplicaStatus(String id, Health health, boolean verified, boolean lagging, long lagBytes,
    Duration lag, long replayedPosition, int inFlight, String problem, boolean draining,
    boolean warming) {

  /** Whether reads may go to it now (up, verified, within the lag limits, not draining). */
  public boolean eligible() {
    return health == Health.UP && verified && !lagging && !draining;
  }

  /** The last known replayed position as a token, when known. */
  public Optional<ReplicationToken> replayed() {
    return replayedPosition < 0 ? Optional.empty() : Optional.of(new ReplicationToken(replayedPosition));
  }

  @Override
  public String toString() {
    return id + "[" + (problem.isEmpty() ? "eligible" : problem) + ", lag " + lagBytes + " B / " + lag.toMillis()
        + " ms, " + inFlight + " in flight]";
  }
}
