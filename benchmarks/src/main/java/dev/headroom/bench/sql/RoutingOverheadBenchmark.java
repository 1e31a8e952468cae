package dev.headroom.bench.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the routing layer adds to taking a replica connection: {@code getConnection()}, first use and close through
 * {@code ReplicaRoutingDataSource} (lazy connection, replica pick and lease, {@code setReadOnly(true)}) against the
 * same steps on the bare HikariCP pool of the standby, in the same run. The {@code ...Select1} pair adds a real
 * round trip ({@code SELECT 1}) to put the difference in proportion. Starts a real PostgreSQL primary and standby.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RoutingOverheadBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RoutingOverheadBenchmark {
  private SqlBench bench;

  /** Starts the servers and the pools once per trial. */
  @Setup(Level.Trial)
  public void setUp() {
    bench = new SqlBench(4);
  }

  /** Stops everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    bench.close();
  }

  /** Baseline: a connection from the standby's HikariCP pool, a statement, close. */
  @Benchmark
  public boolean barePool() throws SQLException {
    try (Connection c = bench.standby.getConnection(); Statement st = c.createStatement()) {
      return st.isClosed();
    }
  }

  /** The same through the routing data source, marked read-only so that it goes to the standby. */
  @Benchmark
  public boolean routed() throws SQLException {
    try (Connection c = bench.routing.getConnection()) {
      c.setReadOnly(true);
      try (Statement st = c.createStatement()) {
        return st.isClosed();
      }
    }
  }

  /** Baseline with a round trip: {@code SELECT 1} on the standby's pool. */
  @Benchmark
  public int barePoolSelect1() throws SQLException {
    try (Connection c = bench.standby.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** {@code SELECT 1} through the routing data source. */
  @Benchmark
  public int routedSelect1() throws SQLException {
    try (Connection c = bench.routing.getConnection()) {
      c.setReadOnly(true);
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
