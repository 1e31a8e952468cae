package dev.headroom.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.testkit.postgres.PostgresReplicaSet;
import dev.headroom.testkit.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/** Small JDBC helpers for the tests: HikariCP pools on the fixture's servers and queries that say where they ran. */
final class Db {
  private Db() {}

  /** A HikariCP pool on {@code server} that starts even when the server is down. */
  static HikariDataSource pool(PostgresServer server, String name, int size) {
    return pool(server.jdbcUrl(), server.user(), name, size);
  }

  static HikariDataSource pool(String url, String user, String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(Duration.ofMillis(1000).toMillis());
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /** What a read saw and where it ran. */
  record Read(String node, boolean inRecovery, FallbackReason fallback, long value) {}

  /** Runs {@code sql} (one bigint column, one row) on a read-only connection. */
  static Read read(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setReadOnly(true);
      return ran(c, sql);
    }
  }

  /** Runs {@code sql} (one bigint column, one row) on {@code c} and says where it ran. */
  static Read ran(Connection c, String sql) throws SQLException {
    long value = queryLong(c, sql);
    boolean recovery = inRecovery(c);
    RoutedConnection routed = c.unwrap(RoutedConnection.class);
    return new Read(routed.node().orElseThrow(), recovery, routed.fallbackReason().orElse(null), value);
  }

  static boolean inRecovery(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Waits until {@code standby} has replayed everything {@code primary} had written when this was called. */
  static void awaitReplayed(DataSource primary, DataSource standby) throws SQLException {
    long target;
    try (Connection c = primary.getConnection()) {
      target = queryLong(c, "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      try (Connection c = standby.getConnection()) {
        return queryLong(c, "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint") >= target;
      }
    });
  }

  /**
   * A started PostgreSQL primary and hot standby with a HikariCP pool on each, closed together. {@code ddl}
   * statements run on the primary and are replayed on the standby before {@link #start} returns.
   */
  record Servers(PostgresReplicaSet pg, HikariDataSource primary, HikariDataSource standby) implements AutoCloseable {
    static Servers start(int poolSize, String... ddl) throws SQLException {
      PostgresReplicaSet pg = PostgresReplicaSet.start();
      Servers servers = new Servers(pg, pool(pg.primary(), "primary", poolSize),
          pool(pg.standby(), "standby", poolSize));
      try {
        for (String statement : ddl) {
          exec(servers.primary, statement);
        }
        if (ddl.length > 0) {
          awaitReplayed(servers.primary, servers.standby);
        }
      } catch (SQLException | RuntimeException e) {
        servers.close();
        throw e;
      }
      return servers;
    }

    @Override
    public void close() {
      primary.close();
      standby.close();
      pg.close();
    }
  }

  /** Runs a statement on a connection of {@code ds} (the primary, for a routing data source). */
  static void exec(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
