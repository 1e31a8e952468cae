package dev.headroom.sql;

import dev.headroom.core.Deadline;
import dev.headroom.core.Endpoint;
import dev.headroom.core.EndpointState;
import dev.headroom.core.Health;
import dev.headroom.core.HealthCheck;
import dev.headroom.core.Lease;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.PoolExhaustedException;
import dev.headroom.core.Selector;
import dev.headroom.core.time.Ticker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing decisions: a write takes a primary connection; a read takes a replica connection chosen by the core
 * picker among the replicas that are up, verified and within the lag limits (and, for read-your-writes, known to
 * have replayed the token, else checked and waited for on one replica), and otherwise falls back to the primary or
 * fails, by policy. Every connection is a lease in a core pool, released when the connection closes.
 *
 * <p>A read has a budget on the replicas: it waits at most the acquire timeout for free replica slots and at most
 * the connection timeout for replica DataSources to hand out a connection, each over all the replicas it tries
 * ({@link ReplicaConnector} bounds each attempt, and gives it up as soon as the probes mark the replica down). A
 * replica whose attempt fails or times out is charged a failure on its lease, so that outlier detection ejects it;
 * the read then tries another replica, and when none is left falls back by policy.
 */
final class Routing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaRoutingDataSource.class);

  final String name;
  final String primaryId;
  final ReplicationDialect dialect;
  final boolean defaultAutoCommit;
  final int defaultIsolation;
  private final DataSource primary;
  /** By id; changed at run time (see {@link ReplicaMembers}); a removed replica stays until its connections end. */
  private final Map<String, Replica> replicas;
  private final Pool primaryPool;
  private final Pool replicaPool;
  private final FallbackPolicy fallback;
  private final Duration rywWait;
  private final Duration acquireTimeout;
  private final long connectNanos;
  private final ReplicaConnector connector;
  private final RoutingMetrics metrics;
  private final Ticker ticker;

  Routing(DataSourceSettings s, StartupCheck start, Map<String, Replica> replicas, ReplicaProber prober,
      ReplicaConnector connector) {
    this.name = s.name();
    this.primaryId = s.primaryId();
    this.primary = s.primary();
    this.dialect = start.dialect();
    this.defaultAutoCommit = start.defaultAutoCommit();
    this.defaultIsolation = start.defaultIsolation();
    this.replicas = replicas;
    this.fallback = s.fallback();
    this.rywWait = s.readYourWritesWait();
    this.acquireTimeout = s.replicaAcquireTimeout();
    this.connectNanos = s.replicaConnectionTimeout().toNanos();
    this.connector = connector;
    this.ticker = s.ticker();

    PoolConfig.Builder primaryConfig = PoolConfig.builder(name + ".primary").tier("primary")
        .endpoint(Endpoint.builder(primaryId).maxConcurrency(Integer.MAX_VALUE).label("role", "primary").build())
        .noCircuitBreaker().outlierDetection(OutlierDetection.disabled()).maxWaiters(0).ticker(ticker);
    PoolConfig.Builder replicaConfig = PoolConfig.builder(name).tier("replica")
        .picker(s.picker())
        .selector(state -> {
          Replica r = replicas.get(state.id());
          return r != null && r.acceptsReads();
        })
        .noCircuitBreaker()
        // no panic: when every replica is ejected, reads fall back to the primary rather than retry dead replicas
        .panicThreshold(0)
        .outlierDetection(s.outlierDetection())
        .healthCheck(HealthCheck.builder(prober).interval(s.probeInterval()).timeout(s.probeTimeout()).jitter(0.1)
            .unhealthyThreshold(s.unhealthyThreshold()).healthyThreshold(1).build())
        .maxWaiters(acquireTimeout.isZero() ? 0 : 256)
        .ticker(ticker);
    if (s.slowStart() != null) {
      replicaConfig.slowStart(s.slowStart());
    }
    if (s.replicas().isEmpty()) {
      replicaConfig.startEmpty(); // every replica comes at run time
    }
    for (DataSourceSettings.ReplicaSpec spec : s.replicas()) { // in the order given
      replicaConfig.endpoint(endpoint(replicas.get(spec.id())));
    }
    if (s.meterRegistry() != null) {
      primaryConfig.meterRegistry(s.meterRegistry());
      replicaConfig.meterRegistry(s.meterRegistry());
    }
    this.primaryPool = Pool.create(primaryConfig.build());
    this.replicaPool = Pool.create(replicaConfig.build());
    this.metrics = new RoutingMetrics(s.meterRegistry(), name, primaryId, replicas.values(), this::eligible,
        fallback);
  }

  /** A connection for writes and read-write transactions. */
  LeasedConnection write(String user, String password) throws SQLException {
    LeasedConnection bound = primary(user, password, null);
    metrics.routed(bound, false);
    return bound;
  }

  /**
   * A connection for a read. {@code holder} (may be null) carries the read-your-writes token that the replica must
   * have replayed.
   */
  LeasedConnection read(TokenHolder holder, String user, String password) throws SQLException {
    long required = 0;
    if (holder != null) {
      if (holder.openWrites() > 0) {
        return fallback(FallbackReason.READ_YOUR_WRITES, user, password); // its position is not known yet
      }
      required = holder.position();
    }
    Set<String> failed = Set.of(); // replaced by a mutable set on the first failure
    Budget budget = new Budget(acquireTimeout.isZero() ? null : Deadline.after(acquireTimeout, ticker),
        connectNanos);
    Selector caughtUp = required == 0 ? Selector.any() : caughtUp(required);
    for (int attempt = 0; attempt < replicas.size() && budget.connectNanos > 0; attempt++) {
      Lease lease = acquire(failed.isEmpty() ? caughtUp : caughtUp.and(Selector.excluding(failed)), budget);
      if (lease == null) {
        break;
      }
      Replica replica = replicas.get(lease.endpoint().id());
      try {
        return routedRead(new LeasedConnection(connect(replica, lease, user, password, budget), lease, replica.id,
            true, null));
      } catch (SQLException e) {
        failed = failed(lease, replica, e, failed);
      }
    }
    if (required != 0 && budget.connectNanos > 0) {
      // no replica is known to have replayed the token: check on one (it may have since its last probe) and wait
      // up to the bound
      Lease lease = acquire(failed.isEmpty() ? Selector.any() : Selector.excluding(failed), budget);
      if (lease != null) {
        Replica replica = replicas.get(lease.endpoint().id());
        Connection c = null;
        try {
          c = connect(replica, lease, user, password, budget);
          long start = ticker.read();
          boolean reached = dialect.awaitReplay(c, required, rywWait);
          metrics.waited(ticker.read() - start, reached);
          if (reached) {
            replica.reached(required);
            return routedRead(new LeasedConnection(c, lease, replica.id, true, null));
          }
          c.close();
          lease.success();
          return fallback(FallbackReason.READ_YOUR_WRITES, user, password);
        } catch (SQLException e) {
          closeQuietly(c);
          failed = failed(lease, replica, e, failed);
        }
      }
    }
    return fallback(reason(failed), user, password);
  }

  /**
   * The position after a write committed, from {@code connection} or, if that fails or is null, from a fresh
   * primary connection (any connection will do: the position only grows). 0 when neither works.
   */
  long commitPosition(Connection connection) {
    try {
      if (connection != null) {
        return dialect.commitPosition(connection);
      }
    } catch (SQLException first) {
      log.debug("'{}': commit position from the same connection failed: {}", name, first.toString());
    }
    try (Connection fresh = primary.getConnection()) {
      return dialect.commitPosition(fresh);
    } catch (SQLException second) {
      log.warn("'{}': could not read the primary's position after a write ({}); reads that must see it may be "
          + "served by a replica that has not replayed it", name, second.toString());
      return 0;
    }
  }

  private static Endpoint endpoint(Replica r) {
    return Endpoint.builder(r.id).maxConcurrency(r.maxConnections).label("role", "replica").build();
  }

  /** Every replica's status now, in the order they joined. */
  List<ReplicaStatus> statuses() {
    long now = ticker.read();
    List<ReplicaStatus> list = new ArrayList<>(replicas.size());
    for (EndpointState state : replicaPool.endpoints()) {
      Replica r = replicas.get(state.id());
      if (r == null) {
        continue;
      }
      Health health = state.health(now);
      String problem = state.isDraining() ? "draining"
          : health == Health.DOWN ? "down: " + r.probeProblem()
          : health == Health.EJECTED ? "ejected after connection failures"
          : !r.verified() ? "not verified as a standby yet: " + r.probeProblem()
          : r.lagging() ? "lagging" : "";
      list.add(new ReplicaStatus(r.id, health, r.verified(), r.lagging(), r.lagBytes(),
          Duration.ofNanos(r.lagNanos()), r.replayed(), state.inFlight(), problem, state.isDraining(),
          state.isWarming(now)));
    }
    return list;
  }

  // ---------------------------------------------------------------- membership

  /** The ids of the replicas in the pool, draining ones included. */
  Set<String> replicaIds() {
    Set<String> ids = new LinkedHashSet<>();
    replicaPool.endpoints().forEach(state -> ids.add(state.id()));
    return ids;
  }

  /** Whether {@code id} is a replica's or the primary's, or a removed replica's whose connections are still open. */
  boolean taken(String id) {
    return id.equals(primaryId) || replicas.containsKey(id);
  }

  /**
   * Adds a replica: it is probed at once and gets reads once a probe has found a standby within the lag limits
   * (until then it is not verified).
   */
  void add(Replica replica) {
    replicas.put(replica.id, replica);
    metrics.added(replica);
    try {
      replicaPool.add(endpoint(replica));
    } catch (RuntimeException e) {
      replicas.remove(replica.id, replica);
      metrics.removed(replica);
      throw e;
    }
  }

  /** The replica with this id that is still in the pool, if any. */
  Optional<Replica> member(String id) {
    return replicaPool.endpoint(id).isPresent() ? Optional.ofNullable(replicas.get(id)) : Optional.empty();
  }

  CompletableFuture<Void> drain(String id) {
    return replicaPool.drainIfMember(id);
  }

  void resume(String id) {
    replicaPool.resume(id);
  }

  /**
   * Takes a replica out of the pool (no new reads, its probes stop); once its connections have all been closed it
   * is forgotten.
   *
   * @return completes when its last connection is closed
   */
  CompletableFuture<Void> remove(Replica replica) {
    CompletableFuture<Void> closed = replicaPool.remove(replica.id)
        .orElse(CompletableFuture.completedFuture(null));
    return closed.thenRun(() -> {
      replicas.remove(replica.id, replica);
      metrics.removed(replica);
      connector.forget(replica.dataSource);
    });
  }

  /** Connections handed out and not yet closed, primary and replicas. */
  int inFlight() {
    return primaryPool.inFlight() + replicaPool.inFlight();
  }

  @Override
  public void close() {
    replicaPool.close();
    primaryPool.close();
    connector.close();
  }

  private boolean eligible(Replica r) {
    return replicaPool.endpoint(r.id).map(s -> s.health(ticker.read()) == Health.UP && !s.isDraining())
        .orElse(false)
        && r.acceptsReads();
  }

  private LeasedConnection routedRead(LeasedConnection bound) {
    metrics.routed(bound, true);
    return bound;
  }

  private LeasedConnection fallback(FallbackReason reason, String user, String password) throws SQLException {
    metrics.fallback(reason);
    if (fallback == FallbackPolicy.FAIL) {
      throw new NoReplicaAvailableException(name, reason, statuses());
    }
    log.debug("'{}': read goes to the primary: {}", name, reason);
    LeasedConnection bound = primary(user, password, reason);
    metrics.routed(bound, true);
    return bound;
  }

  private LeasedConnection primary(String user, String password, FallbackReason reason) throws SQLException {
    Lease lease = primaryPool.tryAcquire(Selector.any()).orElseThrow(); // unbounded: fails only when closed
    try {
      return new LeasedConnection(open(primary, user, password), lease, primaryId, false, reason);
    } catch (SQLException | RuntimeException e) {
      lease.failure(e);
      throw e;
    }
  }

  private Lease acquire(Selector selector, Budget budget) {
    if (budget.slots == null) {
      return replicaPool.tryAcquire(selector).orElse(null);
    }
    try {
      return replicaPool.acquire(selector, budget.slots);
    } catch (PoolExhaustedException e) {
      return null;
    }
  }

  /**
   * A connection of {@code replica} within what is left of the budget; given up as soon as the replica is no longer
   * up (marked down by the probes, ejected).
   */
  private Connection connect(Replica replica, Lease lease, String user, String password, Budget budget)
      throws SQLException {
    long start = System.nanoTime();
    try {
      return connector.open("replica '" + replica.id + "'", replica.dataSource, user, password, budget.connectNanos,
          replica.connectLimit(), () -> lease.state().health(ticker.read()) == Health.UP);
    } finally {
      budget.connectNanos -= System.nanoTime() - start;
    }
  }

  /** What one read may still spend on the replicas. Used by one thread. */
  private static final class Budget {
    /** Until when it may wait for a free replica slot; null: not at all. */
    final Deadline slots;
    /** How long it may still wait for replica DataSources to hand out a connection, in real nanoseconds. */
    long connectNanos;

    Budget(Deadline slots, long connectNanos) {
      this.slots = slots;
      this.connectNanos = connectNanos;
    }
  }

  private Selector caughtUp(long required) {
    return state -> {
      Replica r = replicas.get(state.id());
      return r != null && r.hasReplayed(required);
    };
  }

  private FallbackReason reason(Set<String> failed) {
    if (!failed.isEmpty()) {
      return FallbackReason.REPLICA_FAILED;
    }
    long now = ticker.read();
    boolean lagging = false;
    for (Replica r : replicas.values()) {
      EndpointState state = replicaPool.endpoint(r.id).orElse(null);
      if (state == null || state.health(now) != Health.UP || state.isDraining() || !r.verified()) {
        continue;
      }
      if (!r.lagging()) {
        return FallbackReason.SATURATED; // an eligible replica was there, but no connection could be had
      }
      lagging = true;
    }
    return lagging ? FallbackReason.LAGGING : FallbackReason.NO_HEALTHY_REPLICA;
  }

  /** Records a replica's connection failure; returns the set of failed replicas with it added. */
  private Set<String> failed(Lease lease, Replica replica, SQLException e, Set<String> failed) {
    lease.failure(e);
    log.warn("'{}': could not get a connection from replica '{}': {}", name, replica.id, e.toString());
    Set<String> more = new HashSet<>(failed);
    more.add(replica.id);
    return more;
  }

  private static Connection open(DataSource ds, String user, String password) throws SQLException {
    return user == null ? ds.getConnection() : ds.getConnection(user, password);
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the replica is being given up on anyway
      }
    }
  }
}
