package dev.headroom.bench.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * Read throughput with N client threads, primary-only (every read on the primary's HikariCP pool) against primary +
 * standby routing (every read through {@code ReplicaRoutingDataSource}, marked read-only, so on the standby), in the
 * same run on a real PostgreSQL 15 primary and streaming standby. A third setup reads the standby through its bare
 * HikariCP pool, which separates the routing layer's cost from the difference between the two servers. Each read is an index range scan summing 2,000 of
 * 200,000 rows. Each thread count runs the setups in the order A B C C B A and averages, so that drift (other load on
 * the machine, caches warming) does not favour either. Every loop is bounded in time.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.sql.ReadThroughput [seconds-per-run] [threads...]</pre>
 */
public final class ReadThroughput {
  private static final int ROWS = 200_000;
  private static final int RANGE = 2_000;
  private static final String QUERY = "SELECT sum(v) FROM data WHERE id BETWEEN ? AND ?";

  private ReadThroughput() {}

  /** Runs the comparison and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int[] threadCounts = {1, 4, 16};
    if (args.length > 1) {
      threadCounts = new int[args.length - 1];
      for (int i = 1; i < args.length; i++) {
        threadCounts[i - 1] = Integer.parseInt(args[i]);
      }
    }
    int maxThreads = 0;
    for (int n : threadCounts) {
      maxThreads = Math.max(maxThreads, n);
    }
    try (SqlBench bench = new SqlBench(maxThreads)) {
      try (Connection c = bench.primary.getConnection(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE data (id int PRIMARY KEY, v int)");
        st.execute("INSERT INTO data SELECT g, g % 1000 FROM generate_series(1, " + ROWS + ") g");
        st.execute("VACUUM ANALYZE data");
      }
      awaitReplica(bench);
      run(bench.primary, false, 1, 1); // warm both servers and the JIT
      run(bench.routing, true, 1, 1);
      System.out.println("| client threads | primary only (reads/s) | primary + standby, routed (reads/s) | ratio "
          + "| standby's bare pool (reads/s) | routed / bare standby |");
      System.out.println("|---:|---:|---:|---:|---:|---:|");
      for (int threads : threadCounts) {
        double a1 = run(bench.primary, false, threads, seconds);
        double b1 = run(bench.routing, true, threads, seconds);
        double c1 = run(bench.standby, false, threads, seconds);
        double c2 = run(bench.standby, false, threads, seconds);
        double b2 = run(bench.routing, true, threads, seconds);
        double a2 = run(bench.primary, false, threads, seconds);
        double primaryOnly = (a1 + a2) / 2;
        double routed = (b1 + b2) / 2;
        double bareStandby = (c1 + c2) / 2;
        System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.2f | %.0f | %.2f |%n", threads, primaryOnly, routed,
            routed / primaryOnly, bareStandby, routed / bareStandby);
      }
      System.out.println();
      System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
          + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "; " + seconds
          + " s per run; standby status " + bench.routing.replicas());
    }
  }

  /** Waits (bounded) until the standby has the table, reading through the routing data source. */
  private static void awaitReplica(SqlBench bench) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Connection c = bench.routing.getConnection()) {
        c.setReadOnly(true);
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 'data'")) {
          rs.next();
          if (rs.getInt(1) == 1) {
            return;
          }
        }
      }
      Thread.sleep(50); // a benchmark's setup poll, bounded by the deadline
    }
    throw new IllegalStateException("the standby did not replay the table within 60 s");
  }

  /** Runs {@code threads} readers for {@code seconds}; returns reads per second. */
  private static double run(DataSource ds, boolean readOnly, int threads, int seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    List<Future<Long>> counts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = t;
      counts.add(pool.submit(() -> reads(ds, readOnly, end, new SplittableRandom(seed))));
    }
    long total = 0;
    for (Future<Long> count : counts) {
      total += count.get();
    }
    long elapsed = System.nanoTime() - start;
    pool.shutdown();
    return total * 1e9 / elapsed;
  }

  private static long reads(DataSource ds, boolean readOnly, long end, SplittableRandom random) throws SQLException {
    long n = 0;
    while (System.nanoTime() < end) {
      try (Connection c = ds.getConnection()) {
        if (readOnly) {
          c.setReadOnly(true);
        }
        try (PreparedStatement ps = c.prepareStatement(QUERY)) {
          int from = 1 + random.nextInt(ROWS - RANGE);
          ps.setInt(1, from);
          ps.setInt(2, from + RANGE - 1);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            rs.getLong(1);
          }
        }
      }
      n++;
    }
    return n;
  }
}
