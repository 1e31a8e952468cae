package dev.headroom.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * Takes a connection from a replica's DataSource without ever waiting past a bound. A pooled DataSource waits for
 * its own connection timeout when its server has died (HikariCP's default is 30 s), so {@code getConnection} runs on
 * a worker thread and the caller waits for it at most the bound, and gives up as soon as {@code stillWanted} turns
 * false (the probes marked the replica down). A connection that arrives after the caller gave up is closed (back
 * into its pool).
 *
 * <p>A worker stays blocked in a dead pool until that pool's own timeout. To keep such a fault local, each
 * DataSource may have at most {@code limit} attempts outstanding (running or given up and still blocked); past
 * that an attempt fails at once, without a thread.
 */
final class ReplicaConnector implements AutoCloseable {
  /** How often a waiting caller looks whether the replica is still wanted. */
  private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final ExecutorService executor;
  private final ConcurrentHashMap<DataSource, AtomicInteger> outstanding = new ConcurrentHashMap<>();

  ReplicaConnector(String owner) {
    AtomicInteger threads = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, "headroom-sql-connect-" + owner + "-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * A connection of {@code ds}, or an exception within {@code timeoutNanos} (plus a few milliseconds).
   *
   * @param what what is being connected to, for messages, e.g. {@code replica 'r1'}
   * @param limit the most attempts on {@code ds} that may be outstanding at once
   * @param stillWanted checked while waiting; when it turns false the attempt is given up
   * @throws SQLTimeoutException when the bound passed
   * @throws SQLTransientConnectionException when the replica stopped being wanted, too many attempts are stuck, or
   *     the connector is closed
   * @throws SQLException what {@code getConnection} threw
   */
  Connection open(String what, DataSource ds, String user, String password, long timeoutNanos, int limit,
      BooleanSupplier stillWanted) throws SQLException {
    AtomicInteger count = outstanding.computeIfAbsent(ds, k -> new AtomicInteger());
    if (count.incrementAndGet() > limit) {
      count.decrementAndGet();
      throw new SQLTransientConnectionException(what + ": " + limit
          + " connection attempts are still waiting on its DataSource; not starting another", "08001");
    }
    Attempt attempt = new Attempt(ds, user, password, count);
    try {
      executor.execute(attempt);
    } catch (RejectedExecutionException e) {
      count.decrementAndGet();
      throw new SQLTransientConnectionException(what + ": the data source is closed", "08003", e);
    }
    long end = System.nanoTime() + Math.max(0, timeoutNanos);
    try {
      while (true) {
        long left = end - System.nanoTime();
        if (attempt.done.await(Math.max(0, Math.min(left, RECHECK_NANOS)), TimeUnit.NANOSECONDS)) {
          return attempt.result();
        }
        if (end - System.nanoTime() <= 0) {
          if (attempt.abandon()) {
            throw new SQLTimeoutException(what + ": no connection from its DataSource within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", "08001");
          }
          return attempt.result(); // arrived just now
        }
        if (!stillWanted.getAsBoolean()) {
          if (attempt.abandon()) {
            throw new SQLTransientConnectionException(what
                + ": marked down or out while waiting for a connection from its DataSource", "08001");
          }
          return attempt.result();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (attempt.abandon()) {
        throw new SQLTransientConnectionException(what + ": interrupted while waiting for a connection", "08001", e);
      }
      return attempt.result();
    }
  }

  /** Forgets the attempt count of a removed replica's DataSource. */
  void forget(DataSource ds) {
    outstanding.remove(ds);
  }

  @Override
  public void close() {
    executor.shutdown(); // workers still blocked in a pool finish on their own and close what they get
  }

  /** One {@code getConnection} on a worker: PENDING, then DONE (the caller takes it) or ABANDONED. */
  private static final class Attempt implements Runnable {
    private static final int PENDING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;

    private final DataSource ds;
    private final String user;
    private final String password;
    private final AtomicInteger outstanding;
    private final AtomicInteger state = new AtomicInteger(PENDING);
    final CountDownLatch done = new CountDownLatch(1);
    private Connection connection;
    private Throwable error;

    Attempt(DataSource ds, String user, String password, AtomicInteger outstanding) {
      this.ds = ds;
      this.user = user;
      this.password = password;
      this.outstanding = outstanding;
    }

    @Override
    public void run() {
      Connection c = null;
      Throwable failure = null;
      try {
        c = user == null ? ds.getConnection() : ds.getConnection(user, password);
      } catch (SQLException | RuntimeException | Error e) {
        failure = e;
      }
      outstanding.decrementAndGet();
      connection = c;
      error = failure;
      if (state.compareAndSet(PENDING, DONE)) { // publishes connection and error to the caller
        done.countDown();
      } else if (c != null) {
        closeQuietly(c); // the caller gave up: back into its pool
      }
    }

    /** True if the caller gave up before the result came; false if the result is there to take. */
    boolean abandon() {
      return state.compareAndSet(PENDING, ABANDONED);
    }

    Connection result() throws SQLException {
      if (error instanceof SQLException e) {
        throw e;
      }
      if (error instanceof RuntimeException e) {
        throw e;
      }
      if (error instanceof Error e) {
        throw e;
      }
      return connection;
    }

    private static void closeQuietly(Connection c) {
      try {
        c.close();
      } catch (SQLException | RuntimeException ignored) {
        // the attempt was given up on; nothing to report to
      }
    }
  }
}
