package dev.headroom.examples.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.sql.ReplicaRoutingDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/**
 * headroom-sql in one page: a DataSource over a PostgreSQL primary and one hot standby (each a HikariCP pool) that
 * sends writes to the primary and reads to the standby, and lets a read that follows a write wait for the standby to
 * replay it. It needs a running pair; give their JDBC URLs as arguments or in the environment:
 *
 * <pre>
 * java -cp examples/target/headroom-demo.jar dev.headroom.examples.sql.ReplicaRoutingExample \
 *     jdbc:postgresql://db-1:5432/app jdbc:postgresql://db-2:5432/app
 * # or PRIMARY_URL=... REPLICA_URL=...; the user and password from DB_USER (default postgres) and DB_PASSWORD
 * </pre>
 */
public final class ReplicaRoutingExample {
  private ReplicaRoutingExample() {}

  /** Runs the example against the primary and standby given as arguments or in the environment. */
  public static void main(String[] args) throws Exception {
    String primaryUrl = args.length > 0 ? args[0] : System.getenv("PRIMARY_URL");
    String replicaUrl = args.length > 1 ? args[1] : System.getenv("REPLICA_URL");
    if (primaryUrl == null || replicaUrl == null) {
      System.out.println("usage: ReplicaRoutingExample <primary JDBC URL> <replica JDBC URL>"
          + " (or PRIMARY_URL and REPLICA_URL; DB_USER, DB_PASSWORD)");
      return;
    }
    try (HikariDataSource primary = pool("primary", primaryUrl);
        HikariDataSource replica = pool("replica-1", replicaUrl);
        ReplicaRoutingDataSource db = ReplicaRoutingDataSource.builder("example-db")
            .primary(primary)
            .replica("replica-1", replica)
            .maxLag(Duration.ofSeconds(5))                  // a replica further behind gets no reads
            .readYourWritesWait(Duration.ofSeconds(2))      // a read after a write waits this long for its replay
            .build()) {                                     // checks each server's role, starts the probes

      // 1. A write: any connection that is not read-only goes to the primary.
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS example_notes (id serial PRIMARY KEY, text text)");
        s.execute("INSERT INTO example_notes (text) VALUES ('written on the primary')");
        System.out.println("the write ran on " + (inRecovery(s) ? "a standby" : "the primary"));
      }

      // 2. A read: setReadOnly(true) before the first statement sends it to a replica; this thread's last write
      //    is replayed there first (read-your-writes), so the read sees it.
      try (Connection c = db.getConnection()) {
        c.setReadOnly(true);
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT count(*) FROM example_notes WHERE text = 'written on the primary'")) {
          rs.next();
          boolean seen = rs.getLong(1) > 0;
          System.out.println("read on a standby: " + inRecovery(s) + ", sees the write: " + seen);
        }
      }

      // 3. The same with a scope: every connection taken inside goes to a replica (as @Transactional(readOnly=true)).
      long notes = db.readOnly(() -> {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT count(*) FROM example_notes")) {
          rs.next();
          return rs.getLong(1);
        }
      });
      System.out.println("notes, read in a read-only scope: " + notes);
      System.out.println("replicas: " + db.replicas());
      System.out.println("connections still in use: " + db.connectionsInUse());
    }
  }

  private static boolean inRecovery(Statement s) throws Exception {
    try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static HikariDataSource pool(String name, String url) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(url);
    config.setUsername(System.getenv().getOrDefault("DB_USER", "postgres"));
    config.setPassword(System.getenv("DB_PASSWORD"));
    config.setMaximumPoolSize(4);
    return new HikariDataSource(config);
  }
}
