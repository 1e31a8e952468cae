package dev.headroom.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.core.HeadroomMetrics;
import dev.headroom.testkit.postgres.PostgresReplicaSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Reads to the standby, writes to the primary, on a real PostgreSQL primary and hot standby. */
class ReadWriteRoutingTest {
  private static Db.Servers servers;
  private static PostgresReplicaSet pg;
  private static HikariDataSource primary;
  private static HikariDataSource standby;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ReplicaRoutingDataSource ds;

  @BeforeAll
  static void startDatabases() throws SQLException {
    servers = Db.Servers.start(8, "CREATE TABLE items (id int PRIMARY KEY, name text)");
    pg = servers.pg();
    primary = servers.primary();
    standby = servers.standby();
  }

  @AfterAll
  static void stopDatabases() {
    if (servers != null) {
      servers.close();
    }
  }

  @BeforeEach
  void dataSource() {
    ds = ReplicaRoutingDataSource.builder("db")
        .primary(primary)
        .replica("standby-1", standby)
        .probeInterval(Duration.ofMillis(100))
        .meterRegistry(registry)
        .build();
  }

  @AfterEach
  void closeDataSource() {
    assertThat(ds.connectionsInUse()).as("every connection was given back").isZero();
    ds.close();
  }

  @Test
  void aReadOnlyConnectionGoesToTheStandbyAndAnyOtherToThePrimary() throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setReadOnly(true);
      assertThat(Db.inRecovery(c)).as("read-only connection on a server in recovery").isTrue();
      assertThat(c.unwrap(RoutedConnection.class).node()).contains("standby-1");
      assertThat(c.unwrap(RoutedConnection.class).onReplica()).isTrue();
    }
    try (Connection c = ds.getConnection()) {
      assertThat(Db.inRecovery(c)).as("default connection on the primary").isFalse();
      assertThat(c.unwrap(RoutedConnection.class).node()).contains("primary");
    }
  }

  @Test
  void writesGoToThePrimaryAndReachTheStandby() throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps =
        c.prepareStatement("INSERT INTO items VALUES (?, ?)")) {
      c.setAutoCommit(false);
      ps.setInt(1, 1);
      ps.setString(2, "one");
      ps.executeUpdate();
      assertThat(Db.inRecovery(c)).isFalse();
      c.commit();
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Db.Read read = Db.read(ds, "SELECT count(*) FROM items WHERE id = 1");
      assertThat(read.inRecovery()).isTrue();
      assertThat(read.value()).isEqualTo(1);
    });
  }

  @Test
  void aWriteOnAReadOnlyConnectionFailsAsPostgresqlSaysIt() throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        assertThatThrownBy(() -> st.executeUpdate("INSERT INTO items VALUES (99, 'x')"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("cannot execute INSERT in a read-only transaction")
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
      }
      c.rollback();
    }
  }

  @Test
  void aReadOnlyScopeSendsItsConnectionsToTheStandbyUnlessOneSaysOtherwise() throws SQLException {
    boolean[] seen = ds.readOnly(() -> {
      try (Connection scoped = ds.getConnection(); Connection explicit = ds.getConnection()) {
        explicit.setReadOnly(false);
        return new boolean[] {Db.inRecovery(scoped), Db.inRecovery(explicit), scoped.isReadOnly()};
      }
    });
    assertThat(seen[0]).as("connection in the scope").isTrue();
    assertThat(seen[1]).as("setReadOnly(false) in the scope").isFalse();
    assertThat(seen[2]).isTrue();
    try (Connection after = ds.getConnection()) {
      assertThat(Db.inRecovery(after)).as("after the scope").isFalse();
    }
  }

  @Test
  void aConnectionIsTakenOnlyAtItsFirstUseAndSettingsBeforeThatAreApplied() throws SQLException {
    try (Connection c = ds.getConnection()) {
      assertThat(c.getAutoCommit()).isTrue();
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.commit();
      c.rollback();
      assertThat(c.unwrap(RoutedConnection.class).node()).as("not routed yet").isEmpty();
      assertThat(ds.connectionsInUse()).as("nothing taken yet").isZero();
      assertThat(primary.getHikariPoolMXBean().getActiveConnections()).isZero();
      assertThat(c.toString()).contains("not routed yet");

      assertThat(Db.queryLong(c, "SELECT 1")).isEqualTo(1);
      assertThat(ds.connectionsInUse()).isEqualTo(1);
      assertThat(c.getAutoCommit()).isFalse();
      assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
      c.rollback();
    }
    Connection unused = ds.getConnection();
    unused.close();
    assertThat(unused.isClosed()).isTrue();
    assertThatThrownBy(unused::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    assertThat(ds.connectionsInUse()).isZero();
  }

  @Test
  void readsAndWritesAreCountedPerNodeInCoreMetricNames() throws SQLException {
    for (int i = 0; i < 3; i++) {
      Db.read(ds, "SELECT 1");
    }
    Db.exec(ds, "SELECT 1");
    assertThat(registry.get(SqlMetricNames.CONNECTIONS).tag(HeadroomMetrics.ENDPOINT, "standby-1")
        .tag(SqlMetricNames.ACCESS, "read").counter().count()).isEqualTo(3);
    assertThat(registry.get(SqlMetricNames.CONNECTIONS).tag(HeadroomMetrics.ENDPOINT, "primary")
        .tag(SqlMetricNames.ACCESS, "write").counter().count()).isEqualTo(1);
    assertThat(registry.get(HeadroomMetrics.REQUESTS).tag(HeadroomMetrics.POOL, "db")
        .tag(HeadroomMetrics.ENDPOINT, "standby-1").tag(HeadroomMetrics.OUTCOME, "success").counter().count())
        .as("core's per-endpoint request counter: one lease per connection").isEqualTo(3);
    assertThat(registry.get(HeadroomMetrics.INFLIGHT).tag(HeadroomMetrics.ENDPOINT, "standby-1").gauge().value())
        .isZero();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
        registry.get(SqlMetricNames.REPLICA_ELIGIBLE).tag(HeadroomMetrics.ENDPOINT, "standby-1").gauge().value())
        .isEqualTo(1));
    assertThat(registry.get(SqlMetricNames.REPLICA_LAG_BYTES).tag(HeadroomMetrics.ENDPOINT, "standby-1").gauge())
        .isNotNull();
  }

  @Test
  void credentialsGivenToGetConnectionReachTheDataSourceThatServesIt() throws SQLException {
    PGSimpleDataSource primaryDirect = new PGSimpleDataSource();
    primaryDirect.setUrl(pg.primary().jdbcUrl());
    PGSimpleDataSource standbyDirect = new PGSimpleDataSource();
    standbyDirect.setUrl(pg.standby().jdbcUrl());
    Db.exec(primary, "DO $$ BEGIN CREATE ROLE reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    try (ReplicaRoutingDataSource direct = ReplicaRoutingDataSource.builder("direct").primary(primaryDirect)
        .replica("standby-1", standbyDirect).validateOnStart(false).build()) {
      await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(SQLException.class).untilAsserted(() -> {
        try (Connection c = direct.getConnection("reader", "")) { // the role reaches the standby by replication
          c.setReadOnly(true);
          assertThat(Db.inRecovery(c)).isTrue();
          assertThat(Db.queryLong(c, "SELECT count(*) FROM pg_roles WHERE rolname = current_user AND rolname = 'reader'"))
              .as("connected as the given user").isEqualTo(1);
        }
      });
      try (Connection c = direct.getConnection("postgres", "")) {
        assertThat(Db.inRecovery(c)).isFalse();
      }
      assertThat(direct.toString()).contains("direct").contains("standby-1");
    }
  }

  @Test
  void theStatusOfEachReplicaIsVisible() {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      ReplicaStatus status = ds.replicas().get(0);
      assertThat(status.id()).isEqualTo("standby-1");
      assertThat(status.eligible()).isTrue();
      assertThat(status.verified()).isTrue();
      assertThat(status.replayed()).isPresent();
      assertThat(status.problem()).isEmpty();
    });
    assertThat(ds.dialect().name()).isEqualTo("PostgreSQL");
  }
}
