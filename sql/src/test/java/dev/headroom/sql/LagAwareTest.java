package dev.headroom.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.core.HeadroomMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lag-aware routing on a real standby whose replay is paused ({@code pg_wal_replay_pause()}) while the primary
 * writes: the standby stops getting reads, and gets them again once replay resumes and it catches up.
 */
class LagAwareTest {
  private static final Duration PROBE = Duration.ofMillis(100);
  private static Db.Servers servers;
  private static HikariDataSource primary;
  private static HikariDataSource standby;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ReplicaRoutingDataSource ds;

  @BeforeAll
  static void startDatabases() throws SQLException {
    servers = Db.Servers.start(4, "CREATE TABLE events (id serial PRIMARY KEY, payload text)");
    primary = servers.primary();
    standby = servers.standby();
  }

  @AfterAll
  static void stopDatabases() {
    if (servers != null) {
      servers.close();
    }
  }

  @AfterEach
  void resumeReplay() throws SQLException {
    Db.exec(standby, "SELECT pg_wal_replay_resume()");
    if (ds != null) {
      ds.close();
    }
  }

  private ReplicaRoutingDataSource dataSource(long maxLagBytes, Duration maxLag) {
    ds = ReplicaRoutingDataSource.builder("lag")
        .primary(primary)
        .replica("standby-1", standby)
        .probeInterval(PROBE)
        .maxLagBytes(maxLagBytes)
        .maxLag(maxLag)
        .readYourWrites(ReadYourWrites.PER_SCOPE) // these reads need not see the writes
        .meterRegistry(registry)
        .build();
    return ds;
  }

  @Test
  void aStandbyThatFallsBehindByMoreThanTheByteLimitGetsNoReadsUntilItCatchesUp() throws SQLException {
    dataSource(64 * 1024, Duration.ofHours(1));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Db.read(ds, "SELECT 1").node()).isEqualTo("standby-1"));

    Db.exec(standby, "SELECT pg_wal_replay_pause()");
    Db.exec(primary, "INSERT INTO events (payload) SELECT repeat('x', 200) FROM generate_series(1, 5000)");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Db.Read read = Db.read(ds, "SELECT 1");
      assertThat(read.node()).isEqualTo("primary");
      assertThat(read.inRecovery()).isFalse();
      assertThat(read.fallback()).isEqualTo(FallbackReason.LAGGING);
    });
    ReplicaStatus lagging = ds.replicas().get(0);
    assertThat(lagging.lagging()).isTrue();
    assertThat(lagging.lagBytes()).isGreaterThan(64 * 1024);
    assertThat(lagging.health()).as("lagging is not down: the probe passes").isEqualTo(dev.headroom.core.Health.UP);
    assertThat(registry.get(SqlMetricNames.REPLICA_LAG_BYTES).tag(HeadroomMetrics.ENDPOINT, "standby-1").gauge()
        .value())
        .isGreaterThan(64 * 1024);
    assertThat(registry.get(HeadroomMetrics.SPILLOVER).tag("reason", "LAGGING").counter().count()).isPositive();

    Db.exec(standby, "SELECT pg_wal_replay_resume()");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Db.Read read = Db.read(ds, "SELECT count(*) FROM events");
      assertThat(read.node()).isEqualTo("standby-1");
      assertThat(read.inRecovery()).isTrue();
      assertThat(read.value()).as("caught up").isGreaterThanOrEqualTo(5000);
    });
    // within the limit, not zero: the primary may write a little WAL of its own (hint bits, stats) meanwhile
    assertThat(ds.replicas().get(0).lagging()).isFalse();
    assertThat(ds.replicas().get(0).lagBytes()).isLessThanOrEqualTo(64 * 1024);
  }

  @Test
  void aStandbyMissingEvenOneSmallWriteForLongerThanTheTimeLimitGetsNoReads() throws SQLException {
    Duration maxLag = Duration.ofMillis(600);
    dataSource(Long.MAX_VALUE, maxLag);
    Db.exec(standby, "SELECT pg_wal_replay_pause()");
    Db.exec(primary, "INSERT INTO events (payload) VALUES ('small')");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Db.read(ds, "SELECT 1").fallback()).isEqualTo(FallbackReason.LAGGING));
    ReplicaStatus status = ds.replicas().get(0);
    assertThat(status.lag()).isGreaterThan(maxLag);
    assertThat(status.lagBytes()).isLessThan(64 * 1024);

    Db.exec(standby, "SELECT pg_wal_replay_resume()");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Db.read(ds, "SELECT 1").node()).isEqualTo("standby-1"));
    assertThat(ds.replicas().get(0).lag()).isZero();
  }

  @Test
  void anIdlePrimaryDoesNotMakeACaughtUpStandbyLookBehind() throws SQLException {
    Duration maxLag = Duration.ofMillis(500);
    dataSource(Long.MAX_VALUE, maxLag);
    Db.exec(primary, "INSERT INTO events (payload) VALUES ('last write for a while')");
    // the naive measure, now() - pg_last_xact_replay_timestamp() on the standby, keeps growing while nothing is
    // written, and soon passes the limit...
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
      try (var c = standby.getConnection()) {
        return Db.queryLong(c, "SELECT (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::bigint")
            > 3 * maxLag.toMillis();
      }
    });
    // ...but the standby has replayed everything the primary has: it is not behind, and gets the reads
    ReplicaStatus status = ds.replicas().get(0);
    assertThat(status.lagging()).isFalse();
    assertThat(status.lag()).isLessThan(maxLag);
    Db.Read read = Db.read(ds, "SELECT count(*) FROM events WHERE payload = 'last write for a while'");
    assertThat(read.node()).isEqualTo("standby-1");
    assertThat(read.value()).isEqualTo(1);
  }
}
