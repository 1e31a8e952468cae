package dev.headroom.sql;

import dev.headroom.core.Endpoint;
import dev.headroom.core.HealthProbe;
import dev.headroom.core.time.Ticker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health probe of every replica, run by the core pool's health checker: samples the primary's position, asks
 * the replica whether it is in recovery and how far it has replayed, records the lag and applies the limits. A
 * replica that is unreachable or not in recovery fails the probe, and the pool marks it down after the configured
 * number of failures.
 *
 * <p>JDBC blocks, so probes run on a small executor with a network timeout on the connection; at most one probe per
 * replica runs at a time (a probe still stuck in a dead socket is not stacked up: the pool's own timeout counts it
 * as failed).
 */
final class ReplicaProber implements HealthProbe {
  private static final Logger log = LoggerFactory.getLogger(ReplicaRoutingDataSource.class);

  private final String owner;
  private final Map<String, Replica> replicas;
  private final DataSource primary;
  private final ReplicationDialect dialect;
  private final PrimaryHistory history;
  private final long maxLagBytes;
  private final long maxLagNanos;
  private final int timeoutMillis;
  private final Ticker ticker;
  private final ExecutorService executor;
  private final Map<String, CompletableFuture<Boolean>> running = new ConcurrentHashMap<>();

  ReplicaProber(String owner, Map<String, Replica> replicas, DataSource primary, ReplicationDialect dialect,
      PrimaryHistory history, long maxLagBytes, Duration maxLag, Duration timeout, Ticker ticker,
      ExecutorService executor) {
    this.owner = owner;
    this.replicas = replicas;
    this.primary = primary;
    this.dialect = dialect;
    this.history = history;
    this.maxLagBytes = maxLagBytes;
    this.maxLagNanos = maxLag.toNanos();
    this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    this.ticker = ticker;
    this.executor = executor;
  }

  /**
   * The executor for the probes of {@code count} replicas: one daemon thread each, created on first use (resized
   * as replicas join and leave, see {@link #resize}).
   */
  static ThreadPoolExecutor executor(String owner, int count) {
    AtomicInteger threads = new AtomicInteger();
    int size = Math.max(1, count); // at least one, for a data source started without replicas
    return new ThreadPoolExecutor(size, size, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
      Thread thread = new Thread(runnable, "headroom-sql-probe-" + owner + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Keeps one probe thread per replica: {@code by} more (or fewer) threads, at least one. */
  static void resize(ThreadPoolExecutor executor, int by) {
    synchronized (executor) {
      int size = Math.max(1, executor.getMaximumPoolSize() + by);
      if (by > 0) {
        executor.setMaximumPoolSize(size);
        executor.setCorePoolSize(size);
      } else {
        executor.setCorePoolSize(size);
        executor.setMaximumPoolSize(size);
      }
    }
  }

  /** Forgets the probe of a removed replica. */
  void forget(String id) {
    running.remove(id);
  }

  /** Probes every verified replica once, on the calling thread, so that lag is known before reads start. */
  void firstReadings() {
    for (Replica replica : replicas.values()) {
      if (replica.verified()) {
        probe(replica);
      }
    }
  }

  @Override
  public CompletionStage<Boolean> check(Endpoint endpoint) {
    Replica replica = replicas.get(endpoint.id());
    if (replica == null) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> current = running.get(replica.id);
    if (current != null && !current.isDone()) {
      return current;
    }
    try {
      CompletableFuture<Boolean> probe = CompletableFuture.supplyAsync(() -> probe(replica), executor);
      running.put(replica.id, probe);
      return probe;
    } catch (RejectedExecutionException closed) {
      return CompletableFuture.completedFuture(false);
    }
  }

  /** One probe of one replica; also used right after start-up. */
  boolean probe(Replica replica) {
    samplePrimary();
    try (Connection c = replica.dataSource.getConnection()) {
      ReplicationDialect.StandbyState state = withTimeout(c, () -> dialect.standbyState(c));
      if (!state.inRecovery()) {
        replica.notAStandby();
        return false;
      }
      replica.verifiedStandby();
      long now = ticker.read();
      long replayed = state.replayedPosition();
      replica.lag(replayed, history.bytesBehind(replayed), history.nanosBehind(replayed, now), maxLagBytes,
          maxLagNanos);
      return true;
    } catch (SQLException | RuntimeException e) {
      replica.probeFailed(String.valueOf(e.getMessage()));
      log.debug("'{}': probe of replica '{}' failed: {}", owner, replica.id, e.toString());
      return false;
    }
  }

  /** Takes the primary's current position into the history; a failure keeps the last known one. */
  void samplePrimary() {
    try (Connection c = primary.getConnection()) {
      long position = withTimeout(c, () -> dialect.primaryPosition(c));
      history.record(position, ticker.read());
    } catch (SQLException | RuntimeException e) {
      log.debug("'{}': could not sample the primary's WAL position: {}", owner, e.toString());
    }
  }

  /** Runs {@code query} with the probe's network timeout, then puts the connection's own timeout back. */
  private <T> T withTimeout(Connection c, SqlQuery<T> query) throws SQLException {
    int previous = c.getNetworkTimeout();
    c.setNetworkTimeout(executor, timeoutMillis);
    try {
      return query.run();
    } finally {
      c.setNetworkTimeout(executor, previous);
    }
  }

  /** A query that may throw {@link SQLException}. */
  @FunctionalInterface
  private interface SqlQuery<T> {
    T run() throws SQLException;
  }
}
