package dev.headroom.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * {@link ReplicationDialect} for PostgreSQL 10+. Positions are LSNs as numbers ({@code lsn - '0/0'}). The wait for a
 * position runs inside the standby as one bounded PL/pgSQL loop, so the client neither polls nor sleeps.
 */
final class PostgresDialect implements ReplicationDialect {
  static final PostgresDialect INSTANCE = new PostgresDialect();

  /** SQLSTATE raised by the wait loop when the deadline passes. */
  static final String WAIT_TIMED_OUT = "HR001";
  /** SQLSTATE raised by the wait loop on a server that is not in recovery. */
  static final String NOT_A_STANDBY = "HR002";
  /** The start of the wait statement, for finding it in {@code pg_stat_activity}. */
  static final String WAIT_MARKER = "DO $headroom_await_replay$";

  private static final String STANDBY_STATE =
      "SELECT pg_is_in_recovery(), (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint";
  private static final String PRIMARY_POSITION = "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint";
  private static final String COMMIT_POSITION = "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint";

  private PostgresDialect() {}

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public boolean isStandby(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  @Override
  public StandbyState standbyState(Connection replica) throws SQLException {
    try (Statement st = replica.createStatement(); ResultSet rs = st.executeQuery(STANDBY_STATE)) {
      rs.next();
      boolean inRecovery = rs.getBoolean(1);
      long replayed = rs.getLong(2);
      return new StandbyState(inRecovery, rs.wasNull() ? -1 : replayed);
    }
  }

  @Override
  public long primaryPosition(Connection primary) throws SQLException {
    return queryLong(primary, PRIMARY_POSITION);
  }

  @Override
  public long commitPosition(Connection primary) throws SQLException {
    return queryLong(primary, COMMIT_POSITION);
  }

  @Override
  public boolean awaitReplay(Connection replica, long position, Duration timeout) throws SQLException {
    long millis = Math.max(0, timeout.toMillis());
    String lsn = new ReplicationToken(position).toString(); // formatted by us: safe to inline
    String sql = WAIT_MARKER + "\n"
        + "DECLARE deadline timestamptz := clock_timestamp() + interval '" + millis + " milliseconds';\n"
        + "BEGIN\n"
        + "  IF NOT pg_is_in_recovery() THEN\n"
        + "    RAISE EXCEPTION USING ERRCODE = '" + NOT_A_STANDBY + "', MESSAGE = 'headroom: not a standby';\n"
        + "  END IF;\n"
        + "  WHILE pg_last_wal_replay_lsn() < '" + lsn + "'::pg_lsn LOOP\n"
        + "    IF clock_timestamp() >= deadline THEN\n"
        + "      RAISE EXCEPTION USING ERRCODE = '" + WAIT_TIMED_OUT + "', MESSAGE = 'headroom: replay wait timed out';\n"
        + "    END IF;\n"
        + "    PERFORM pg_sleep(0.002);\n"
        + "  END LOOP;\n"
        + "END $headroom_await_replay$";
    boolean inTransaction = !replica.getAutoCommit();
    try (Statement st = replica.createStatement()) {
      st.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, millis / 1000 + 5)); // a safety net only
      st.execute(sql);
      if (inTransaction) {
        replica.commit();
      }
      return true;
    } catch (SQLException e) {
      if (inTransaction) {
        replica.rollback();
      }
      if (WAIT_TIMED_OUT.equals(e.getSQLState()) || NOT_A_STANDBY.equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  private static long queryLong(Connection connection, String sql) throws SQLException {
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public String toString() {
    return "ReplicationDialect.postgresql()";
  }
}
