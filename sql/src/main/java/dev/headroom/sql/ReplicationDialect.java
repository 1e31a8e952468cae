package dev.headroom.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The vendor-specific queries behind replica routing: is this server a standby, how far has it replayed, where is
 * the primary, and wait until a standby reaches a position. {@link #postgresql()} is implemented; MySQL, MariaDB,
 * Microsoft SQL Server and Oracle are recognised at start and refused with a message saying so: for those, implement
 * this interface and pass it to {@link ReplicaRoutingDataSource.Builder#dialect(ReplicationDialect)}.
 *
 * <p>Positions are unsigned 64-bit numbers that only grow on the primary (PostgreSQL's LSNs are exactly that).
 * Implementations must be thread-safe and must not close the connections they are given.
 */
public interface ReplicationDialect {

  /** The dialect for PostgreSQL 10 and later. */
  static ReplicationDialect postgresql() {
    return PostgresDialect.INSTANCE;
  }

  /** A short name for logs and errors, e.g. {@code PostgreSQL}. */
  String name();

  /** Whether the server behind {@code connection} is a standby in recovery ({@code pg_is_in_recovery()}). */
  boolean isStandby(Connection connection) throws SQLException;

  /** A standby's state for the health probe: still in recovery, and the position it has replayed. */
  StandbyState standbyState(Connection replica) throws SQLException;

  /** The primary's current WAL write position, for measuring lag ({@code pg_current_wal_lsn()}). */
  long primaryPosition(Connection primary) throws SQLException;

  /**
   * The position a read-your-writes token must reach after a write committed on {@code primary}: at or past the
   * end of that commit ({@code pg_current_wal_insert_lsn()}).
   */
  long commitPosition(Connection primary) throws SQLException;

  /**
   * Waits until the standby has replayed {@code position}, at most {@code timeout} (zero: check once). The
   * connection is left with no open transaction.
   *
   * @return whether the position was reached
   */
  boolean awaitReplay(Connection replica, long position, Duration timeout) throws SQLException;

  /**
   * A standby's state.
   *
   * @param inRecovery false when the server is (no longer) a standby
   * @param replayedPosition the last replayed WAL position, -1 when unknown
   */
  record StandbyState(boolean inRecovery, long replayedPosition) {}
}
