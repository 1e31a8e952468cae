package dev.headroom.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.core.ConfigException;
import dev.headroom.core.HeadroomException;
import dev.headroom.testkit.postgres.PostgresReplicaSet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad configuration is reported at start, naming the setting and the value. */
class ConfigurationTest {
  private static Db.Servers servers;
  private static PostgresReplicaSet pg;
  private static HikariDataSource primary;
  private static HikariDataSource standby;

  @BeforeAll
  static void startDatabases() throws SQLException {
    servers = Db.Servers.start(2);
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

  private static ConfigException rejected(UnaryOperator<ReplicaRoutingDataSource.Builder> settings) {
    ReplicaRoutingDataSource.Builder builder = ReplicaRoutingDataSource.builder("db");
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> settings.apply(builder).build().close());
    assertThat(thrown).isInstanceOf(ConfigException.class);
    return (ConfigException) thrown;
  }

  @Test
  void withoutAPrimaryItDoesNotStart() {
    ConfigException e = rejected(b -> b.replica("standby-1", standby));
    assertThat(e.setting()).isEqualTo("'db': primary");
    assertThat(e).hasMessageContaining("must be set");
  }

  @Test
  void aReplicaUrlThatIsInFactThePrimaryIsReportedWithItsIdAndUrl() {
    try (HikariDataSource notAReplica = Db.pool(pg.primary().jdbcUrl() + "?password=s3cret&ApplicationName=x",
        pg.primary().user(), "wrong", 1)) {
      ConfigException e = rejected(b -> b.primary(primary).replica("standby-1", standby)
          .replica("reporting", notAReplica));
      assertThat(e.setting()).isEqualTo("'db': replica 'reporting'");
      assertThat(e).hasMessageContaining("must point at a hot standby")
          .hasMessageContaining("not in recovery")
          .hasMessageContaining("127.0.0.1:" + pg.primary().port())
          .hasMessageNotContaining("s3cret");
      assertThat(e.value()).contains("password=***");
    }
  }

  @Test
  void aPrimaryUrlThatIsAStandbyIsReported() {
    try (HikariDataSource standbyAgain = Db.pool(pg.standby(), "standby-again", 1)) {
      ConfigException e = rejected(b -> b.primary(standbyAgain).replica("standby-1", standby));
      assertThat(e.setting()).isEqualTo("'db': primary");
      assertThat(e).hasMessageContaining("standby in recovery").hasMessageContaining(":" + pg.standby().port());
    }
  }

  @Test
  void settingsThatCannotWorkAreNamed() {
    assertThat(rejected(b -> b.primary(primary)).setting()).isEqualTo("'db': replicas");
    assertThat(rejected(b -> b.primary(primary).replica("a", standby).replica("a", standby)).setting())
        .isEqualTo("'db': replica 'a': id");
    assertThat(rejected(b -> b.primary(primary).replica("primary", standby)).value()).isEqualTo("primary");
    assertThat(rejected(b -> b.primary(primary).replica("a", primary)).setting()).isEqualTo("'db': replica 'a'");
    assertThat(rejected(b -> b.primary(primary).replica("a", standby, 0)).setting())
        .isEqualTo("'db': replica 'a': maxConnections");
    assertThat(rejected(b -> b.primary(primary).replica("a", standby).maxLagBytes(-1)).setting())
        .isEqualTo("'db': maxLagBytes");
    assertThat(rejected(b -> b.primary(primary).replica("a", standby).maxLag(Duration.ZERO)).setting())
        .isEqualTo("'db': maxLag");
    assertThat(rejected(b -> b.primary(primary).replica("a", standby).probeInterval(Duration.ofMillis(-1))).value())
        .isEqualTo("PT-0.001S");
    assertThat(rejected(b -> b.primary(primary).replica("a", standby).readYourWritesWait(Duration.ofSeconds(-1)))
        .setting()).isEqualTo("'db': readYourWritesWait");
    assertThat(rejected(b -> b.primary(primary).replica("a", standby).unhealthyThreshold(0)).setting())
        .isEqualTo("'db': unhealthyThreshold");
    assertThat(rejected(b -> b.primary(primary).replica("a", standby).replicaConnectionTimeout(Duration.ZERO))
        .setting()).isEqualTo("'db': replicaConnectionTimeout");
    assertThatThrownBy(() -> ReplicaRoutingDataSource.builder(" ").primary(primary).replica("a", standby).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("data source: name");
  }

  @Test
  void aRejectedSettingCarriesItsSubjectPathValueAndRequirement() {
    ConfigException maxLag = rejected(b -> b.primary(primary).replica("a", standby).maxLag(Duration.ZERO));
    assertThat(maxLag.subject()).isEqualTo("'db'");
    assertThat(maxLag.path()).isEqualTo("maxLag");
    assertThat(maxLag.value()).isEqualTo("PT0S");
    assertThat(maxLag.requirement()).isEqualTo("must be > 0");
    ConfigException replica = rejected(b -> b.primary(primary).replica("a", standby, 0));
    assertThat(replica.subject()).isEqualTo("'db': replica 'a'");
    assertThat(replica.path()).isEqualTo("maxConnections");
    assertThat(replica.requirement()).isEqualTo("must be >= 1");
    ConfigException wait = rejected(b -> b.primary(primary).replica("a", standby)
        .replicaAcquireTimeout(Duration.ofMillis(-1)));
    assertThat(wait.path()).isEqualTo("replicaAcquireTimeout");
    assertThat(wait.requirement()).isEqualTo("must be >= 0");
  }

  @Test
  void vendorsWithoutADialectAreNamedAsNotImplemented() {
    assertThat(DatabaseVendor.dialectFor("PostgreSQL").name()).isEqualTo("PostgreSQL");
    for (String product : new String[] {"MySQL", "MariaDB", "Microsoft SQL Server", "Oracle", "H2"}) {
      assertThatThrownBy(() -> DatabaseVendor.dialectFor(product))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("replication dialect")
          .hasMessageContaining("is not implemented")
          .hasMessageContaining(product);
    }
    assertThat(DatabaseVendor.MYSQL.implemented()).isFalse();
    assertThat(DatabaseVendor.POSTGRESQL.implemented()).isTrue();
    assertThat(DatabaseVendor.fromProductName("Microsoft SQL Server 2022")).contains(DatabaseVendor.SQL_SERVER);
  }

  @Test
  void anUnreachablePrimaryStopsTheStartWithAClearError() throws IOException {
    try (HikariDataSource nowhere = Db.pool("jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres", "postgres",
        "nowhere", 1)) {
      assertThatThrownBy(() -> ReplicaRoutingDataSource.builder("db").primary(nowhere).replica("a", standby).build())
          .isInstanceOf(HeadroomException.class)
          .hasMessageContaining("cannot connect to the primary at start");
    }
  }

  @Test
  void aReplicaUnreachableAtStartGetsNoReadsUntilAProbeVerifiesIt() throws IOException, SQLException {
    try (HikariDataSource nowhere = Db.pool("jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres", "postgres",
        "nowhere", 1);
        ReplicaRoutingDataSource ds = ReplicaRoutingDataSource.builder("db").primary(primary)
            .replica("later", nowhere).probeInterval(Duration.ofMillis(100)).build()) {
      ReplicaStatus status = ds.replicas().get(0);
      assertThat(status.verified()).isFalse();
      assertThat(status.problem()).contains("unreachable at start");
      Db.Read read = Db.read(ds, "SELECT 1");
      assertThat(read.node()).isEqualTo("primary");
      assertThat(read.fallback()).isEqualTo(FallbackReason.NO_HEALTHY_REPLICA);
    }
  }

  @Test
  void withoutTheStartCheckAMisconfiguredReplicaIsCaughtByItsProbe() throws SQLException {
    try (HikariDataSource primaryAgain = Db.pool(pg.primary(), "primary-again", 1);
        ReplicaRoutingDataSource ds = ReplicaRoutingDataSource.builder("db").primary(primary)
        .replica("actually-primary", primaryAgain).validateOnStart(false).probeInterval(Duration.ofMillis(100))
        .unhealthyThreshold(1).build()) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(ds.replicas().get(0).problem()).contains("not a standby"));
      Db.Read read = Db.read(ds, "SELECT 1");
      assertThat(read.fallback()).isEqualTo(FallbackReason.NO_HEALTHY_REPLICA);
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
