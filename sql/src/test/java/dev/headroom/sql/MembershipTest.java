package dev.headroom.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.core.ConfigException;
import dev.headroom.core.Health;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipTarget;
import dev.headroom.testkit.postgres.PostgresReplicaSet;
import dev.headroom.testkit.postgres.PostgresServer;
import java.io.PrintWriter;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replicas added, drained and removed while reads flow, on a real primary and two hot standbys (issue 14 item 1). */
class MembershipTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  private final ExecutorService clients = Executors.newCachedThreadPool();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final List<String> readOnRemoved = new CopyOnWriteArrayList<>();
  private final Set<String> removed = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();

  @AfterEach
  void stopClients() throws InterruptedException {
    running.set(false);
    clients.shutdownNow();
    clients.awaitTermination(20, TimeUnit.SECONDS);
  }

  /** A replica's pool that counts the connections taken from it (reads and probes): the member's side. */
  static final class Counting implements DataSource, AutoCloseable {
    final HikariDataSource pool;
    final AtomicLong taken = new AtomicLong();

    Counting(HikariDataSource pool) {
      this.pool = pool;
    }

    @Override
    public Connection getConnection() throws SQLException {
      taken.incrementAndGet();
      return pool.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      taken.incrementAndGet();
      return pool.getConnection(user, password);
    }

    @Override
    public void close() {
      pool.close();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getLogger("test");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
      return pool.isWrapperFor(iface);
    }
  }

  private void steadyReads(ReplicaRoutingDataSource ds, int threads) {
    for (int t = 0; t < threads; t++) {
      clients.execute(() -> {
        while (running.get()) {
          Set<String> goneBefore = Set.copyOf(removed);
          try {
            Db.Read read = Db.read(ds, "SELECT 1");
            if (!read.inRecovery() || read.value() != 1) {
              throw new AssertionError("read not served by a replica: " + read);
            }
            if (goneBefore.contains(read.node())) {
              readOnRemoved.add(read.node());
            }
            served.computeIfAbsent(read.node(), k -> new AtomicLong()).incrementAndGet();
          } catch (Throwable e) {
            if (running.get()) {
              errors.add(e);
            }
          }
        }
      });
    }
  }

  private long served(String replica) {
    AtomicLong count = served.get(replica);
    return count == null ? 0 : count.get();
  }

  @Test
  void scalingTwoToFourToOneReplicasUnderSteadyReadsLosesNoReadAndClosesTheRemovedPools() throws Exception {
    try (PostgresReplicaSet pg = PostgresReplicaSet.builder().standbys(2).start();
        HikariDataSource primary = Db.pool(pg.primary(), "primary", 4)) {
      PostgresServer one = pg.standbys().get(0);
      PostgresServer two = pg.standbys().get(1);
      Counting r1 = new Counting(Db.pool(one, "r1", 4));
      Counting r2 = new Counting(Db.pool(two, "r2", 4));
      Counting r3 = new Counting(Db.pool(one, "r3", 4));
      Map<String, Counting> made = new ConcurrentHashMap<>();
      try (r1; r2; r3; ReplicaRoutingDataSource ds = ReplicaRoutingDataSource.builder("membership")
          .primary(primary).replica("r1", r1).replica("r2", r2)
          .fallback(FallbackPolicy.FAIL)
          .probeInterval(Duration.ofMillis(200))
          .drainTimeout(BOUND)
          .build()) {
        steadyReads(ds, 4);
        await().atMost(BOUND).until(() -> served("r1") > 0 && served("r2") > 0);

        // 2 -> 4: one through the data source's own method, one through its membership view
        ds.addReplica("r3", r3);
        MembershipTarget view = ds.membership(4, m -> made.computeIfAbsent(m.id(),
            id -> new Counting(Db.pool(m.uri().toString(), two.user(), id, 4))));
        view.add(DiscoveredMember.of("r4", URI.create(two.jdbcUrl())));
        assertThat(view.memberIds()).containsExactly("r1", "r2", "r3", "r4");
        assertThatThrownBy(() -> ds.addReplica("r1", r3)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("'r1'");
        assertThatThrownBy(() -> ds.addReplica("primary", r3)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("'primary'");
        await().atMost(BOUND).until(() -> served("r3") > 0 && served("r4") > 0);
        Counting r4 = made.get("r4");

        // 4 -> 1, with a connection held on r2 while r2 is removed
        Connection held = ds.getConnection();
        held.setReadOnly(true);
        while (!Db.ran(held, "SELECT 1").node().equals("r2")) {
          held.close();
          held = ds.getConnection();
          held.setReadOnly(true);
        }
        CompletableFuture<Void> r2Gone = ds.removeReplica("r2");
        removed.add("r2"); // a read that starts from now on must not go to r2
        CompletableFuture<Void> r3Gone = ds.removeReplica("r3");
        removed.add("r3");
        view.drain("r4").thenRun(() -> view.remove("r4"));
        removed.add("r4");
        assertThat(ds.replicas()).filteredOn(ReplicaStatus::draining).extracting(ReplicaStatus::id)
            .contains("r2");
        r3Gone.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        await().atMost(BOUND).until(() -> r4.pool.isClosed());
        assertThat(r3.pool.isClosed()).as("r3's pool").isTrue();
        long r3After = r3.taken.get();
        long r4After = r4.taken.get();

        long r1Before = served("r1");
        await().atMost(BOUND).until(() -> served("r1") > r1Before + 20);
        assertThat(r2Gone).as("r2 still has a connection open").isNotDone();
        assertThat(r2.pool.isClosed()).isFalse();
        Db.Read late = Db.ran(held, "SELECT 2");
        assertThat(late.node()).as("the connection in flight during removal").isEqualTo("r2");
        assertThat(late.value()).isEqualTo(2);
        held.close();
        r2Gone.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(r2.pool.isClosed()).as("r2's pool").isTrue();
        long r2After = r2.taken.get();
        assertThat(ds.replicas()).extracting(ReplicaStatus::id).containsExactly("r1");

        long r1Later = served("r1");
        await().atMost(BOUND).until(() -> served("r1") > r1Later + 20);
        running.set(false);
        assertThat(r2.taken.get()).as("connections taken from r2 after it was removed").isEqualTo(r2After);
        assertThat(r3.taken.get()).as("connections taken from r3 after it was removed").isEqualTo(r3After);
        assertThat(r4.taken.get()).as("connections taken from r4 after it was removed").isEqualTo(r4After);
        assertThat(readOnRemoved).as("reads routed to a replica after its removal began").isEmpty();
        assertThat(errors).as("client-visible errors").isEmpty();
        assertThat(ds.drainReplica("nobody")).isDone();
        assertThatThrownBy(() -> ds.resumeReplica("nobody")).isInstanceOf(IllegalArgumentException.class);
      } finally {
        made.values().forEach(Counting::close);
      }
    }
  }

  @Test
  void aDataSourceStartedEmptyReadsFromThePrimaryUntilAReplicaJoinsWhichThenWarmsUp() throws Exception {
    try (PostgresReplicaSet pg = PostgresReplicaSet.builder().standbys(1).start();
        HikariDataSource primary = Db.pool(pg.primary(), "primary", 2);
        HikariDataSource r1 = Db.pool(pg.standbys().get(0), "r1", 2);
        ReplicaRoutingDataSource ds = ReplicaRoutingDataSource.builder("warming")
            .primary(primary)
            .startEmpty() // the replicas come from discovery
            .probeInterval(Duration.ofMillis(200))
            .slowStart(Duration.ofMinutes(10)) // the test takes seconds: the new replica stays near the ramp's start
            .build()) {
      assertThat(ds.replicas()).isEmpty();
      assertThat(readOnlyServerIsStandby(ds)).as("no replica yet: the primary serves the read").isFalse();

      ds.addReplica("r1", r1);
      await().atMost(BOUND).until(() -> status(ds, "r1").verified() && status(ds, "r1").health() == Health.UP);
      assertThat(status(ds, "r1").warming()).as("added at run time").isTrue();
      await().atMost(BOUND).until(() -> readOnlyServerIsStandby(ds));
    }
  }

  @Test
  void withoutStartEmptyADataSourceNeedsAReplica() {
    assertThatThrownBy(() -> ReplicaRoutingDataSource.builder("none").primary(new Counting(null)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("startEmpty()");
  }

  private static boolean readOnlyServerIsStandby(ReplicaRoutingDataSource ds) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setReadOnly(true);
      try (var rs = c.createStatement().executeQuery("select pg_is_in_recovery()")) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static ReplicaStatus status(ReplicaRoutingDataSource ds, String id) {
    return ds.replicas().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }
}
