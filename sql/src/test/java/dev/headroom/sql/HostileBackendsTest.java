package dev.headroom.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.core.Health;
import dev.headroom.testkit.postgres.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, hostile backends, on the real primary + standby: a standby that crashes while reads flow (its HikariCP
 * pool keeps a read waiting for 30 s by default), and a wrong password at start (which HikariCP reports only when
 * its connection timeout passes).
 */
class HostileBackendsTest {
  private static final String USER = "app";
  private static final String PASSWORD = "right-s3cret";
  private static final String WRONG = "wr0ng-s3cret";
  private static final Duration CONNECTION_TIMEOUT = Duration.ofMillis(500);

  private static Db.Servers servers;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void startDatabases() throws Exception {
    servers = Db.Servers.start(8);
    // a role that logs in with a password (the fixture trusts its own superuser)
    servers.pg().primary().sql("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
    Db.awaitReplayed(servers.primary(), servers.standby());
    requirePassword(servers.pg().primary());
    requirePassword(servers.pg().standby());
  }

  @AfterAll
  static void stopDatabases() {
    if (servers != null) {
      servers.close();
    }
  }

  @BeforeEach
  void standbyRuns() {
    servers.pg().standby().start();
  }

  @AfterEach
  void closeWhatWasOpened() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  /** A pool with HikariCP's own defaults, as an application would have it (connection timeout 30 s). */
  private HikariDataSource hikari(String url, String user, String password, String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    if (password != null) {
      config.setPassword(password);
    }
    config.setPoolName(name);
    config.setMaximumPoolSize(8);
    config.setInitializationFailTimeout(-1);
    HikariDataSource pool = new HikariDataSource(config);
    opened.add(pool);
    return pool;
  }

  private ReplicaRoutingDataSource open(ReplicaRoutingDataSource.Builder builder) {
    ReplicaRoutingDataSource ds = builder.build();
    opened.add(0, ds); // closed before the pools
    return ds;
  }

  private static long standbyReads(List<Db.Read> reads) {
    synchronized (reads) {
      return reads.stream().filter(Db.Read::inRecovery).count();
    }
  }

  private static Health health(ReplicaRoutingDataSource ds) {
    return ds.replicas().get(0).health();
  }

  @Test
  void whenTheStandbyCrashesWhileReadsFlowEveryReadReturnsWithinItsBound() throws Exception {
    HikariDataSource standbyPool = hikari(servers.pg().standby().jdbcUrl(), servers.pg().standby().user(), null,
        "crash-standby");
    assertThat(standbyPool.getConnectionTimeout()).as("HikariCP's default").isEqualTo(30_000);
    ReplicaRoutingDataSource ds = open(ReplicaRoutingDataSource.builder("crash")
        .primary(servers.primary())
        .replica("standby", standbyPool)
        .replicaConnectionTimeout(CONNECTION_TIMEOUT));
    long bound = CONNECTION_TIMEOUT.plusSeconds(1).toNanos(); // replicaAcquireTimeout is 0: + 1 s slack

    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Long> slow = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> untyped = new ConcurrentLinkedQueue<>();
    List<Db.Read> reads = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger afterDown = new AtomicInteger();
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread reader = new Thread(() -> {
        while (!stop.get()) {
          long start = System.nanoTime();
          try {
            reads.add(Db.read(ds, "SELECT 1"));
          } catch (SQLException e) {
            // a connection handed out just before the crash fails its query: a connection error, at once
            if (e.getSQLState() == null || !(e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P"))) {
              untyped.add(e);
            }
          } catch (RuntimeException e) {
            untyped.add(e);
          }
          long took = System.nanoTime() - start;
          if (took > bound) {
            slow.add(TimeUnit.NANOSECONDS.toMillis(took));
          }
        }
      }, "reader-" + i);
      reader.start();
      readers.add(reader);
    }
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> standbyReads(reads) >= 20);

      servers.pg().standby().crash();
      await().atMost(Duration.ofSeconds(15)).until(() -> health(ds) != Health.UP);
      afterDown.set(reads.size());
      await().atMost(Duration.ofSeconds(10)).until(() -> reads.size() >= afterDown.get() + 50);
    } finally {
      stop.set(true);
      for (Thread reader : readers) {
        reader.join(TimeUnit.SECONDS.toMillis(40));
      }
    }
    assertThat(slow).as("reads that took longer than the replica connection timeout + 1 s, in ms").isEmpty();
    assertThat(untyped).as("reads that failed other than with a connection error").isEmpty();
    List<Db.Read> sinceDown;
    synchronized (reads) {
      sinceDown = new ArrayList<>(reads.subList(afterDown.get(), reads.size()));
    }
    assertThat(sinceDown).as("once the replica is down every read is served by the primary").isNotEmpty()
        .allSatisfy(read -> assertThat(read.node()).isEqualTo("primary"));
    assertThat(ds.connectionsInUse()).isZero();
  }

  @Test
  void aReadWaitingOnACrashedReplicaGivesUpAsSoonAsTheProbesMarkItDown() throws Exception {
    HikariDataSource standbyPool = hikari(servers.pg().standby().jdbcUrl(), servers.pg().standby().user(), null,
        "waiting-standby");
    ReplicaRoutingDataSource ds = open(ReplicaRoutingDataSource.builder("waiting")
        .primary(servers.primary())
        .replica("standby", standbyPool)
        .replicaConnectionTimeout(Duration.ofSeconds(20)) // the bound is not what ends this wait
        .probeInterval(Duration.ofMillis(300))
        .probeTimeout(Duration.ofMillis(300))
        .unhealthyThreshold(3));
    assertThat(Db.read(ds, "SELECT 1").node()).isEqualTo("standby");

    servers.pg().standby().crash();
    standbyPool.getHikariPoolMXBean().softEvictConnections(); // the next borrow must connect, and waits
    long start = System.nanoTime();
    Db.Read read = Db.read(ds, "SELECT 1");
    long took = System.nanoTime() - start;

    assertThat(read.node()).isEqualTo("primary");
    assertThat(read.fallback()).as("it waited on the replica, gave it up and fell back")
        .isEqualTo(FallbackReason.REPLICA_FAILED);
    assertThat(health(ds)).isEqualTo(Health.DOWN);
    assertThat(TimeUnit.NANOSECONDS.toMillis(took)).as("well before the 20 s bound and HikariCP's 30 s")
        .isLessThan(8_000);
    assertThat(Db.read(ds, "SELECT 1").fallback()).as("new reads do not choose it")
        .isEqualTo(FallbackReason.NO_HEALTHY_REPLICA);
  }

  @Test
  void aWrongReplicaPasswordFailsTheStartAtOnceNamingAuthenticationTheReplicaAndTheUser() {
    HikariDataSource wrong = hikari(servers.pg().standby().jdbcUrl(), USER, WRONG, "wrong-password");
    DatabaseAuthenticationException e = refused(ReplicaRoutingDataSource.builder("auth")
        .primary(servers.primary()).replica("reporting", wrong));
    assertThat(e).hasMessageContaining("authentication failed").hasMessageContaining("replica 'reporting'")
        .hasMessageContaining("user '" + USER + "'");
    assertThat(e.server()).isEqualTo("reporting");
    assertThat(e.user()).contains(USER);
    assertThat(e.sqlState()).isEqualTo("28P01");
    assertNoSecretIn(e, WRONG);
  }

  @Test
  void aWrongPasswordInTheReplicaUrlIsReportedWithoutIt() {
    HikariDataSource wrong = hikari(servers.pg().standby().jdbcUrl() + "?password=" + WRONG, USER, null,
        "wrong-url-password");
    DatabaseAuthenticationException e = refused(ReplicaRoutingDataSource.builder("auth-url")
        .primary(servers.primary()).replica("reporting", wrong));
    assertThat(e).hasMessageContaining("authentication failed").hasMessageContaining("replica 'reporting'");
    assertNoSecretIn(e, WRONG);
  }

  @Test
  void aWrongPrimaryPasswordIsReportedAsAnAuthenticationFailureToo() {
    HikariDataSource wrong = hikari(servers.pg().primary().jdbcUrl(), USER, WRONG, "wrong-primary");
    DatabaseAuthenticationException e = refused(ReplicaRoutingDataSource.builder("auth-primary")
        .primary("main", wrong).replica("standby", servers.standby()));
    assertThat(e).hasMessageContaining("authentication failed for primary 'main'");
    assertNoSecretIn(e, WRONG);
  }

  private DatabaseAuthenticationException refused(ReplicaRoutingDataSource.Builder builder) {
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(() -> open(builder));
    long took = System.nanoTime() - start;
    assertThat(thrown).isInstanceOf(DatabaseAuthenticationException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(took)).as("not HikariCP's 30 s connection timeout").isLessThan(10_000);
    return (DatabaseAuthenticationException) thrown;
  }

  private static void assertNoSecretIn(Throwable e, String secret) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
      assertThat(t.toString()).doesNotContain(secret);
    }
  }

  /** Makes {@code server} ask {@link #USER} for a password over TCP, and waits until it does. */
  private static void requirePassword(PostgresServer server) throws IOException {
    Path hba = server.dataDirectory().resolve("pg_hba.conf");
    String rules = Files.readString(hba, StandardCharsets.UTF_8);
    Files.writeString(hba, "host all " + USER + " 127.0.0.1/32 scram-sha-256\n" + rules, StandardCharsets.UTF_8);
    server.sql("SELECT pg_reload_conf()");
    await().atMost(Duration.ofSeconds(10)).until(() -> refusesWrongPassword(server));
  }

  private static boolean refusesWrongPassword(PostgresServer server) {
    Properties login = new Properties();
    login.setProperty("user", USER);
    login.setProperty("password", WRONG);
    try (var ignored = DriverManager.getConnection(server.jdbcUrl(), login)) {
      return false;
    } catch (SQLException e) {
      return "28P01".equals(e.getSQLState());
    }
  }
}
