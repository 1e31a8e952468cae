package dev.headroom.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.core.Health;
import dev.headroom.core.HeadroomMetrics;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.pick.Pickers;
import dev.headroom.testkit.postgres.PostgresReplicaSet;
import dev.headroom.testkit.postgres.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Two real standbys that get stopped and started again: ejection, fallback to the primary, the typed error. */
class FailoverTest {
  private static PostgresReplicaSet pg;
  private static HikariDataSource primary;
  private static HikariDataSource standby1;
  private static HikariDataSource standby2;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<ReplicaRoutingDataSource> opened = new ArrayList<>();

  @BeforeAll
  static void startDatabases() throws SQLException {
    pg = PostgresReplicaSet.builder().standbys(2).start();
    primary = Db.pool(pg.primary(), "primary", 8);
    standby1 = Db.pool(pg.standbys().get(0), "standby-1", 8);
    standby2 = Db.pool(pg.standbys().get(1), "standby-2", 8);
  }

  @AfterAll
  static void stopDatabases() {
    if (pg == null) {
      return;
    }
    primary.close();
    standby1.close();
    standby2.close();
    pg.close();
  }

  @BeforeEach
  void bothStandbysRun() {
    pg.standbys().forEach(PostgresServer::start);
  }

  @AfterEach
  void closeDataSources() {
    opened.forEach(ReplicaRoutingDataSource::close);
  }

  private ReplicaRoutingDataSource.Builder builder(String name) {
    return ReplicaRoutingDataSource.builder(name)
        .primary(primary)
        .replica("standby-1", standby1)
        .replica("standby-2", standby2)
        .probeInterval(Duration.ofMillis(100))
        .probeTimeout(Duration.ofMillis(500))
        .meterRegistry(registry);
  }

  private ReplicaRoutingDataSource open(ReplicaRoutingDataSource.Builder builder) {
    ReplicaRoutingDataSource ds = builder.build();
    opened.add(ds);
    return ds;
  }

  private static Set<String> nodesOf(ReplicaRoutingDataSource ds, int reads) throws SQLException {
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < reads; i++) {
      nodes.add(Db.read(ds, "SELECT 1").node()); // throws if any read fails
    }
    return nodes;
  }

  private static void awaitHealth(ReplicaRoutingDataSource ds, String id, Health health) {
    await().atMost(Duration.ofSeconds(15)).until(() ->
        ds.replicas().stream().anyMatch(r -> r.id().equals(id) && r.health() == health));
  }

  @Test
  void theReplicaWithFewerConnectionsInFlightGetsTheRead() throws SQLException {
    ReplicaRoutingDataSource ds = open(builder("least").picker(Pickers.leastInFlight()));
    List<Connection> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Connection c = ds.getConnection();
        c.setReadOnly(true);
        Db.queryLong(c, "SELECT 1");
        held.add(c);
      }
      long onOne = held.stream().filter(c -> node(c).equals("standby-1")).count();
      assertThat(onOne).as("three held connections spread over two replicas").isBetween(1L, 2L);
      String lighter = onOne == 1 ? "standby-1" : "standby-2";
      assertThat(Db.read(ds, "SELECT 1").node()).isEqualTo(lighter);
    } finally {
      for (Connection c : held) {
        c.close();
      }
    }
    assertThat(ds.connectionsInUse()).isZero();
  }

  @Test
  void aStoppedStandbyIsTakenOutItsReadsGoToTheOtherAndThenToThePrimaryWithoutErrors() throws SQLException {
    ReplicaRoutingDataSource ds = open(builder("failover"));
    assertThat(nodesOf(ds, 10)).isSubsetOf("standby-1", "standby-2");

    pg.standbys().get(0).stop();
    awaitHealth(ds, "standby-1", Health.DOWN);
    assertThat(nodesOf(ds, 10)).as("the other standby serves every read").containsExactly("standby-2");

    pg.standbys().get(1).stop();
    awaitHealth(ds, "standby-2", Health.DOWN);
    for (int i = 0; i < 5; i++) {
      Db.Read read = Db.read(ds, "SELECT 1");
      assertThat(read.node()).isEqualTo("primary");
      assertThat(read.inRecovery()).isFalse();
      assertThat(read.fallback()).isEqualTo(FallbackReason.NO_HEALTHY_REPLICA);
    }
    assertThat(registry.get(HeadroomMetrics.SPILLOVER).tag("router", "failover").tag("to", "primary")
        .tag("reason", "NO_HEALTHY_REPLICA").counter().count()).isEqualTo(5);
    assertThat(ds.replicas()).allSatisfy(r -> assertThat(r.problem()).startsWith("down: probe failed"));

    pg.standbys().forEach(PostgresServer::start);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(Db.read(ds, "SELECT 1").inRecovery()).as("back on a standby").isTrue());
  }

  @Test
  void withFallbackOffAReadFailsWithATypedErrorThatSaysWhy() throws SQLException {
    ReplicaRoutingDataSource ds = open(builder("strict").fallback(FallbackPolicy.FAIL));
    pg.standbys().forEach(PostgresServer::stop);
    awaitHealth(ds, "standby-1", Health.DOWN);
    awaitHealth(ds, "standby-2", Health.DOWN);

    try (Connection c = ds.getConnection()) {
      c.setReadOnly(true);
      assertThatThrownBy(() -> c.createStatement())
          .isInstanceOf(NoReplicaAvailableException.class)
          .isInstanceOf(NoCapacityException.class)
          .hasMessageContaining("NO_HEALTHY_REPLICA")
          .hasMessageContaining("standby-1")
          .satisfies(e -> {
            NoReplicaAvailableException error = (NoReplicaAvailableException) e;
            assertThat(error.reason()).isEqualTo(FallbackReason.NO_HEALTHY_REPLICA);
            assertThat(error.replicas()).extracting(ReplicaStatus::health).containsOnly(Health.DOWN);
          });
    }
    try (Connection c = ds.getConnection()) {
      assertThat(Db.inRecovery(c)).as("writes still work").isFalse();
    }
    assertThat(ds.connectionsInUse()).isZero();
  }

  @Test
  void beforeAnyProbeNoticesAReplicaWhoseConnectionsFailIsSkippedAndThenEjected() throws SQLException {
    PGSimpleDataSource direct1 = direct(pg.standbys().get(0));
    PGSimpleDataSource direct2 = direct(pg.standbys().get(1));
    ReplicaRoutingDataSource ds = open(ReplicaRoutingDataSource.builder("unpooled")
        .primary(primary)
        .replica("standby-1", direct1)
        .replica("standby-2", direct2)
        .probeInterval(Duration.ofHours(1)) // the probes play no part here
        .meterRegistry(registry));

    pg.standbys().forEach(PostgresServer::stop);
    for (int i = 0; i < 3; i++) {
      Db.Read read = Db.read(ds, "SELECT 1");
      assertThat(read.node()).as("no error: the primary").isEqualTo("primary");
      assertThat(read.fallback()).isEqualTo(FallbackReason.REPLICA_FAILED);
    }
    assertThat(ds.replicas()).as("three connection failures in a row eject a replica")
        .extracting(ReplicaStatus::health).containsOnly(Health.EJECTED);
    Db.Read read = Db.read(ds, "SELECT 1");
    assertThat(read.fallback()).isEqualTo(FallbackReason.NO_HEALTHY_REPLICA);
    assertThat(registry.get(HeadroomMetrics.EJECTIONS).tag(HeadroomMetrics.POOL, "unpooled").counters())
        .hasSize(2);
  }

  private static PGSimpleDataSource direct(PostgresServer server) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(server.jdbcUrl());
    ds.setUser(server.user());
    ds.setConnectTimeout(2);
    return ds;
  }

  private static String node(Connection c) {
    try {
      return c.unwrap(RoutedConnection.class).node().orElseThrow();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
