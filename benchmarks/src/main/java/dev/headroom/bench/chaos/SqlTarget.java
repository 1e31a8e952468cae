package dev.headroom.bench.chaos;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.sql.ReplicaRoutingDataSource;
import dev.headroom.testkit.postgres.PostgresReplicaSet;
import dev.headroom.testkit.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ReplicaRoutingDataSource} over a real PostgreSQL primary and hot standby (HikariCP pools with their
 * default 30 s connection timeout). Four requests in five are reads, the fifth a write; the schedule crashes the
 * standby (SIGKILL of the postmaster) and starts it again.
 */
final class SqlTarget implements SoakTarget {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final PostgresReplicaSet servers = PostgresReplicaSet.start();
  private final HikariDataSource primaryPool = pool("soak-primary", servers.primary());
  private final HikariDataSource standbyPool = pool("soak-standby", servers.standby());
  private final ReplicaRoutingDataSource db;

  SqlTarget() throws Exception {
    servers.primary().sql("CREATE TABLE IF NOT EXISTS soak_notes (id bigserial PRIMARY KEY, client int, seq bigint)");
    db = ReplicaRoutingDataSource.builder("soak-db")
        .primary(primaryPool)
        .replica("standby", standbyPool)
        .maxLag(Duration.ofSeconds(5))
        .probeInterval(Duration.ofMillis(500))
        .build();
  }

  private static HikariDataSource pool(String name, PostgresServer server) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(server.jdbcUrl());
    config.setUsername(server.user());
    config.setMaximumPoolSize(4);
    return new HikariDataSource(config);
  }

  @Override
  public String name() {
    return "sql read replicas";
  }

  @Override
  public Duration timeout() {
    return TIMEOUT;
  }

  @Override
  public int clients() {
    return 6;
  }

  @Override
  public Duration pause() {
    return Duration.ofMillis(2);
  }

  @Override
  public void request(int client, long seq) throws Exception {
    long start = System.nanoTime();
    try (Connection c = db.getConnection()) {
      boolean write = seq % 5 == 0;
      c.setReadOnly(!write);
      // the statement gets what is left of the request's time, not a fresh timeout after the connection wait
      long leftMillis = Math.max(1, TIMEOUT.toMillis() - (System.nanoTime() - start) / 1_000_000);
      c.setNetworkTimeout(Runnable::run, (int) leftMillis);
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout((int) Math.max(1, leftMillis / 1000));
        if (write) {
          s.executeUpdate("INSERT INTO soak_notes (client, seq) VALUES (" + client + ", " + seq + ")");
        } else {
          try (ResultSet rs = s.executeQuery("SELECT count(*) FROM soak_notes WHERE client = " + client)) {
            rs.next();
          }
        }
      }
    }
  }

  @Override
  public List<Fault> faults() {
    PostgresServer standby = servers.standby();
    return List.of(new Fault("the standby crashed (SIGKILL), then started again", standby::crash, standby::start));
  }

  @Override
  public Map<String, Long> leftovers() {
    Map<String, Long> left = new LinkedHashMap<>();
    left.put("routed connections open", (long) db.connectionsInUse());
    left.put("pooled connections in use", (long) (primaryPool.getHikariPoolMXBean().getActiveConnections()
        + standbyPool.getHikariPoolMXBean().getActiveConnections()));
    return left;
  }

  @Override
  public void close() {
    db.close();
    primaryPool.close();
    standbyPool.close();
    servers.close();
  }
}
