package dev.headroom.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.core.HeadroomMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes with replay paused on the standby: the read after a write sees it (from the primary, or from the
 * standby after waiting for it to replay), while a read in another thread or scope still goes to the standby.
 */
@SuppressWarnings("try") // scopes are opened for their effect on the thread, not referenced
class ReadYourWritesTest {
  private static Db.Servers servers;
  private static HikariDataSource primary;
  private static HikariDataSource standby;
  private static final AtomicInteger ids = new AtomicInteger();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ExecutorService otherThread = Executors.newSingleThreadExecutor();
  private ReplicaRoutingDataSource ds;

  @BeforeAll
  static void startDatabases() throws SQLException {
    servers = Db.Servers.start(4, "CREATE TABLE orders (id int PRIMARY KEY)");
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
  void cleanUp() throws SQLException {
    Db.exec(standby, "SELECT pg_wal_replay_resume()");
    otherThread.shutdownNow();
    assertThat(ds.connectionsInUse()).isZero();
    ds.close();
  }

  private ReplicaRoutingDataSource dataSource(ReadYourWrites mode, Duration wait) {
    ds = ReplicaRoutingDataSource.builder("ryw")
        .primary(primary)
        .replica("standby-1", standby)
        .probeInterval(Duration.ofMillis(100))
        .maxLag(Duration.ofHours(1)) // lag alone must not keep reads from the standby here
        .maxLagBytes(Long.MAX_VALUE)
        .readYourWrites(mode)
        .readYourWritesWait(wait)
        .meterRegistry(registry)
        .build();
    return ds;
  }

  private int write() throws SQLException {
    int id = ids.incrementAndGet();
    Db.exec(ds, "INSERT INTO orders VALUES (" + id + ")");
    return id;
  }

  private static String seen(int id) {
    return "SELECT count(*) FROM orders WHERE id = " + id;
  }

  @Test
  void onTheThreadThatWroteAReadSeesTheWriteWhileAnotherThreadReadsTheStandby() throws Exception {
    dataSource(ReadYourWrites.PER_THREAD, Duration.ZERO);
    Db.exec(standby, "SELECT pg_wal_replay_pause()");
    int id = write();
    assertThat(ds.currentToken()).isPresent();

    Db.Read mine = Db.read(ds, seen(id));
    assertThat(mine.value()).as("the writer sees its write").isEqualTo(1);
    assertThat(mine.inRecovery()).isFalse();
    assertThat(mine.fallback()).isEqualTo(FallbackReason.READ_YOUR_WRITES);

    Db.Read theirs = otherThread.submit(() -> Db.read(ds, seen(id))).get(10, TimeUnit.SECONDS);
    assertThat(theirs.node()).as("another thread has no token: the standby").isEqualTo("standby-1");
    assertThat(theirs.inRecovery()).isTrue();
    assertThat(theirs.value()).as("and the paused standby does not have the write yet").isZero();
    assertThat(registry.get(HeadroomMetrics.SPILLOVER).tag("reason", "READ_YOUR_WRITES").counter().count())
        .isEqualTo(1);

    Db.exec(standby, "SELECT pg_wal_replay_resume()");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Db.Read later = Db.read(ds, seen(id));
      assertThat(later.node()).as("once replayed, the writer's reads go to the standby again").isEqualTo("standby-1");
      assertThat(later.value()).isEqualTo(1);
    });
  }

  @Test
  void aScopeTracksItsOwnWritesAndAnExplicitTokenCarriesThemToAnotherThread() throws Exception {
    dataSource(ReadYourWrites.PER_SCOPE, Duration.ZERO);
    Db.exec(standby, "SELECT pg_wal_replay_pause()");
    int id;
    ReplicationToken token;
    try (ConsistencyScope request = ds.consistencyScope()) {
      assertThat(request.token()).isEmpty();
      id = write();
      token = request.token().orElseThrow();
      Db.Read read = Db.read(ds, seen(id));
      assertThat(read.value()).isEqualTo(1);
      assertThat(read.node()).isEqualTo("primary");
    }
    try (ConsistencyScope otherRequest = ds.consistencyScope()) {
      Db.Read read = Db.read(ds, seen(id));
      assertThat(read.node()).as("another scope on the same thread: the standby").isEqualTo("standby-1");
      assertThat(read.value()).isZero();
    }
    assertThat(Db.read(ds, seen(id)).node()).as("no scope, per-scope mode: no token").isEqualTo("standby-1");

    String header = token.toString();
    Db.Read carried = otherThread.submit(() -> {
      try (ConsistencyScope next = ds.consistencyScope(ReplicationToken.parse(header))) {
        return Db.read(ds, seen(id));
      }
    }).get(10, TimeUnit.SECONDS);
    assertThat(carried.value()).as("the token passed along makes the next request see the write").isEqualTo(1);
    assertThat(carried.fallback()).isEqualTo(FallbackReason.READ_YOUR_WRITES);
  }

  @Test
  void aReadWaitsForTheStandbyToReplayTheWriteWithinTheBound() throws Exception {
    dataSource(ReadYourWrites.PER_SCOPE, Duration.ofSeconds(30));
    Db.exec(standby, "SELECT pg_wal_replay_pause()");
    int id;
    ReplicationToken token;
    try (ConsistencyScope scope = ds.consistencyScope()) {
      id = write();
      token = scope.token().orElseThrow();
    }
    CompletableFuture<Db.Read> read = CompletableFuture.supplyAsync(() -> {
      try (ConsistencyScope scope = ds.consistencyScope(token)) {
        return Db.read(ds, seen(id));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, otherThread);
    // the read is now waiting inside the standby for the write's position
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try (Connection c = standby.getConnection()) {
        return Db.queryLong(c, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '"
            + PostgresDialect.WAIT_MARKER + "%'") == 1;
      }
    });
    assertThat(read).isNotDone();
    Db.exec(standby, "SELECT pg_wal_replay_resume()");

    Db.Read result = read.get(10, TimeUnit.SECONDS);
    assertThat(result.node()).as("served by the standby, after it replayed the write").isEqualTo("standby-1");
    assertThat(result.inRecovery()).isTrue();
    assertThat(result.value()).isEqualTo(1);
    assertThat(result.fallback()).isNull();
    assertThat(registry.get(SqlMetricNames.REPLICA_WAIT).tag("result", "reached").timer().count()).isEqualTo(1);
  }

  @Test
  void aReadThatWaitedPastTheBoundGoesToThePrimary() throws SQLException {
    dataSource(ReadYourWrites.PER_THREAD, Duration.ofMillis(300));
    Db.exec(standby, "SELECT pg_wal_replay_pause()");
    int id = write();
    Db.Read read = Db.read(ds, seen(id));
    assertThat(read.node()).isEqualTo("primary");
    assertThat(read.value()).isEqualTo(1);
    assertThat(read.fallback()).isEqualTo(FallbackReason.READ_YOUR_WRITES);
    assertThat(registry.get(SqlMetricNames.REPLICA_WAIT).tag("result", "timed_out").timer().totalTime(
        TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300);
  }

  @Test
  void whileTheReplicaKeepsUpTheReadAfterAWriteGoesToIt() throws SQLException {
    dataSource(ReadYourWrites.PER_THREAD, Duration.ofSeconds(10));
    int id = write();
    Db.Read read = Db.read(ds, seen(id));
    assertThat(read.node()).isEqualTo("standby-1");
    assertThat(read.value()).as("the standby had replayed the write when it served the read").isEqualTo(1);
  }

  @Test
  void anOpenWriteConnectionKeepsTheThreadsReadsOnThePrimaryUntilItIsClosed() throws SQLException {
    dataSource(ReadYourWrites.PER_THREAD, Duration.ZERO);
    Db.exec(standby, "SELECT pg_wal_replay_pause()");
    int id = ids.incrementAndGet();
    try (Connection writer = ds.getConnection()) {
      writer.setAutoCommit(false);
      try (Statement st = writer.createStatement()) {
        st.executeUpdate("INSERT INTO orders VALUES (" + id + ")");
      }
      writer.commit();
      // committed, but its position is only taken when the connection is released
      Db.Read read = Db.read(ds, seen(id));
      assertThat(read.node()).isEqualTo("primary");
      assertThat(read.value()).isEqualTo(1);
    }
    assertThat(ds.currentToken()).isPresent();
    Db.Read after = Db.read(ds, seen(id));
    assertThat(after.node()).isEqualTo("primary");
    assertThat(after.value()).isEqualTo(1);
  }
}
