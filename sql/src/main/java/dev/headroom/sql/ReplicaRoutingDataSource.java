package dev.headroom.sql;

import dev.headroom.core.ConfigException;
import dev.headroom.core.HeadroomException;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Picker;
import dev.headroom.core.SlowStart;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipTarget;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over one primary and N replicas that sends writes and read-write transactions to the primary
 * and read-only work to a replica chosen by Headroom's picker (connections in flight and their hold-time EWMA).
 *
 * <pre>{@code
 * ReplicaRoutingDataSource ds = ReplicaRoutingDataSource.builder("orders-db")
 *     .primary(primaryPool)                       // any DataSource, e.g. a HikariDataSource
 *     .replica("replica-1", replicaPool1)
 *     .replica("replica-2", replicaPool2)
 *     .maxLag(Duration.ofSeconds(5))
 *     .meterRegistry(registry)
 *     .build();                                   // checks every server, starts the probes
 * }</pre>
 *
 * <p><b>What is a read.</b> A connection decides at its first real use (see {@code LazyConnection}): it goes to a
 * replica when {@code setReadOnly(true)} was called before that, which is what Spring's transaction manager does for
 * {@code @Transactional(readOnly = true)}, so no {@code LazyConnectionDataSourceProxy} is needed; or when it was taken
 * inside {@link #readOnly(Work)}. Everything else goes to the primary.
 *
 * <p><b>Health and lag.</b> Each replica is probed ({@code pg_is_in_recovery()} and its replayed WAL position, with a
 * short timeout). A replica that fails its probes, or whose connections keep failing, is taken out, and its reads
 * go to the others; when none is left they go to the primary, or fail with {@link NoReplicaAvailableException}
 * ({@link Builder#fallback}). A replica that lags more than {@link Builder#maxLagBytes} or {@link Builder#maxLag}
 * behind the primary gets no reads until it catches up; lag time is measured against the primary's own positions,
 * not from the replay timestamp (see {@code PrimaryHistory}). A read never waits on a dead replica's pool past
 * {@link Builder#replicaConnectionTimeout} (nor once the probes mark it down): it counts a connection failure against
 * that replica and goes elsewhere.
 *
 * <p><b>Start.</b> {@link Builder#build()} checks every server's role; a login that a server refuses (a wrong
 * password) fails the start at once with a {@link DatabaseAuthenticationException} naming the server and the user.
 *
 * <p><b>Read-your-writes.</b> When a primary connection that wrote is closed, the primary's position becomes the
 * token of the current thread ({@link ReadYourWrites#PER_THREAD}) or of the open {@link ConsistencyScope}. A read in
 * the same thread or scope goes to a replica only if it has replayed the token; else it waits up to
 * {@link Builder#readYourWritesWait} on one, then reads from the primary.
 *
 * <p><b>Membership.</b> Replicas can be added, drained and removed while connections are in use
 * ({@link #addReplica}, {@link #drainReplica}, {@link #removeReplica}, or a discovery source through
 * {@link #membership}); a removed replica's DataSource is closed once its connections are back.
 *
 * <p>Thread-safe. {@link #close()} stops the probes; it does not close the DataSources it was given.
 */
public final class ReplicaRoutingDataSource implements DataSource, AutoCloseable {
  private final String name;
  private final DataSource primary;
  private final Routing routing;
  private final Consistency consistency;
  private final ThreadPoolExecutor probeExecutor;
  private final ReplicaMembers members;
  private final Duration drainTimeout;
  private volatile boolean closed;

  private ReplicaRoutingDataSource(DataSourceSettings s) {
    this.name = s.name();
    this.primary = s.primary();
    this.drainTimeout = s.drainTimeout();
    Map<String, Replica> configured = new LinkedHashMap<>(); // checked at start in the order given
    for (DataSourceSettings.ReplicaSpec spec : s.replicas()) {
      configured.put(spec.id(), new Replica(s.name(), spec.id(), spec.dataSource(), spec.maxConnections()));
    }
    Map<String, Replica> replicas = new ConcurrentHashMap<>(configured); // replicas join and leave at run time
    this.probeExecutor = ReplicaProber.executor(name, replicas.size());
    ReplicaConnector connector = new ReplicaConnector(name);
    try {
      StartupCheck start = s.validateOnStart()
          ? StartupCheck.run(name, s.primaryId(), primary, s.dialect(), configured, connector,
              s.replicaConnectionTimeout().toNanos())
          : StartupCheck.skipped(s.dialect());
      ReplicaProber prober = new ReplicaProber(name, replicas, primary, start.dialect(), new PrimaryHistory(),
          s.maxLagBytes(), s.maxLag(), s.probeTimeout(), s.ticker(), probeExecutor);
      if (s.validateOnStart()) {
        prober.firstReadings(); // lag is known before the first read is routed
      } else {
        replicas.values().forEach(Replica::verifiedStandby); // trusted until a probe says otherwise
      }
      this.routing = new Routing(s, start, replicas, prober, connector);
      this.members = new ReplicaMembers(name, primary, routing, prober, probeExecutor);
    } catch (RuntimeException e) {
      probeExecutor.shutdownNow();
      connector.close();
      throw e;
    }
    this.consistency = new Consistency(s.readYourWrites());
  }

  /** A builder for a data source called {@code name} (the {@code pool} tag of its metrics, and in logs). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A connection that goes to the primary, or to a replica if {@code setReadOnly(true)} is called before its first
   * use or it is taken inside {@link #readOnly(Work)}. Taking it costs nothing: the physical connection is taken at
   * first use.
   */
  @Override
  public Connection getConnection() {
    checkOpen();
    return LazyConnection.create(routing, consistency.inReadOnlyScope(), consistency.current(), null, null);
  }

  /** As {@link #getConnection()}, with credentials passed to whichever DataSource serves it. */
  @Override
  public Connection getConnection(String username, String password) {
    checkOpen();
    return LazyConnection.create(routing, consistency.inReadOnlyScope(), consistency.current(),
        Objects.requireNonNull(username, "username"), password);
  }

  /**
   * Runs {@code work} with connections taken on this thread going to replicas unless they call
   * {@code setReadOnly(false)}. Scopes nest.
   */
  public <T, E extends Exception> T readOnly(Work<T, E> work) throws E {
    Objects.requireNonNull(work, "work");
    consistency.enterReadOnly();
    try {
      return work.run();
    } finally {
      consistency.exitReadOnly();
    }
  }

  /** Opens a read-your-writes scope on this thread with no writes yet, for example one per request. */
  public ConsistencyScope consistencyScope() {
    return consistency.open(0);
  }

  /** Opens a read-your-writes scope on this thread whose reads must see at least {@code token}. */
  public ConsistencyScope consistencyScope(ReplicationToken token) {
    return consistency.open(Objects.requireNonNull(token, "token").position());
  }

  /** The token that reads on this thread must see now (its scope's or its own), if any. */
  public Optional<ReplicationToken> currentToken() {
    TokenHolder holder = consistency.current();
    return holder == null || holder.position() == 0 ? Optional.empty()
        : Optional.of(new ReplicationToken(holder.position()));
  }

  /** Every replica's health, lag and eligibility now. */
  public List<ReplicaStatus> replicas() {
    return routing.statuses();
  }

  // ---------------------------------------------------------------- membership

  /** {@link #addReplica(String, DataSource, int)} with no connection limit of its own. */
  public void addReplica(String id, DataSource dataSource) {
    addReplica(id, dataSource, Integer.MAX_VALUE);
  }

  /**
   * Adds a replica while connections are in use. It is probed at once and gets reads once a probe has found a hot
   * standby within the lag limits.
   *
   * @throws ConfigException as the builder would: a blank or taken id (the primary's included), the primary's
   *     DataSource, a limit below 1
   */
  public void addReplica(String id, DataSource dataSource, int maxConnections) {
    checkOpen();
    members.add(id, dataSource, maxConnections);
  }

  /**
   * Drains a replica: no new reads, its open connections run on. It stays a replica (shown as draining) until
   * {@link #removeReplica} or {@link #resumeReplica}.
   *
   * @return completes when its last connection is closed; at once for an unknown id
   */
  public CompletableFuture<Void> drainReplica(String id) {
    return members.drain(id);
  }

  /**
   * Makes a draining replica take reads again.
   *
   * @throws IllegalArgumentException for an unknown id
   * @throws IllegalStateException when it is being removed
   */
  public void resumeReplica(String id) {
    members.resume(id);
  }

  /**
   * Removes a replica gracefully: no new reads from now on; when its connections have been closed, or after the
   * {@linkplain Builder#drainTimeout drain timeout}, it leaves and its DataSource is closed (when it is
   * {@link AutoCloseable}, as a HikariCP pool is: that closes the connections still open). Unlike {@link #close()},
   * this closes the replica's DataSource: nothing uses it any more.
   *
   * @return completes when the DataSource is closed; at once for an unknown id
   */
  public CompletableFuture<Void> removeReplica(String id) {
    return members.remove(id, drainTimeout);
  }

  /** {@link #removeReplica(String)} waiting at most {@code drainTimeout} (zero: at once) for its connections. */
  public CompletableFuture<Void> removeReplica(String id, Duration drainTimeout) {
    return members.remove(id, drainTimeout);
  }

  /**
   * The replicas as a {@link MembershipTarget}, so that a {@code MembershipSync} can follow a discovery source of
   * replicas; {@code toDataSource} makes the DataSource of a discovered member (say a HikariCP pool on its
   * {@code host:port}), which this data source then owns: it is closed when the replica is removed or this data
   * source is closed. Its {@code remove} removes at once: the sync calls it after the drain it waited for.
   *
   * @param maxConnections each replica's connection limit (see {@link Builder#replica(String, DataSource, int)})
   */
  public MembershipTarget membership(int maxConnections, Function<DiscoveredMember, DataSource> toDataSource) {
    return members.target(toDataSource, maxConnections);
  }

  /** Connections handed out and not yet closed (returns to zero when every connection was closed). */
  public int connectionsInUse() {
    return routing.inFlight();
  }

  /** The name given to the builder. */
  public String name() {
    return name;
  }

  /** The dialect in use (given, or found from the primary's vendor). */
  public ReplicationDialect dialect() {
    return routing.dialect;
  }

  /**
   * Stops the probes and refuses new connections. Open connections still work. The DataSources it was given stay
   * open; those a {@link #membership} view made are closed.
   */
  @Override
  public void close() {
    closed = true;
    routing.close();
    probeExecutor.shutdownNow();
    members.close();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return primary.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    primary.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    primary.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return primary.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getLogger("dev.headroom.sql");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("'" + name + "' is not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public String toString() {
    return "ReplicaRoutingDataSource{" + name + ", primary " + routing.primaryId + ", replicas " + replicas() + '}';
  }

  private void checkOpen() {
    if (closed) {
      throw new HeadroomException("data source '" + name + "' is closed");
    }
  }

  /** Work run in a {@link #readOnly(Work)} scope. */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    /** Does the work. */
    T run() throws E;
  }

  /** Builds a {@link ReplicaRoutingDataSource}; {@link #build()} validates and checks the servers. */
  public static final class Builder {
    private final String name;
    private String primaryId = "primary";
    private DataSource primary;
    private final List<DataSourceSettings.ReplicaSpec> replicas = new ArrayList<>();
    private ReplicationDialect dialect;
    private FallbackPolicy fallback = FallbackPolicy.PRIMARY;
    private ReadYourWrites readYourWrites = ReadYourWrites.PER_THREAD;
    private Duration readYourWritesWait = Duration.ZERO;
    private long maxLagBytes = 16L << 20;
    private Duration maxLag = Duration.ofSeconds(10);
    private Duration probeInterval = Duration.ofSeconds(1);
    private Duration probeTimeout = Duration.ofSeconds(1);
    private int unhealthyThreshold = 2;
    private OutlierDetection outlierDetection = OutlierDetection.builder().consecutiveFailures(3)
        .failureRateMinRequests(0).baseEjectionTime(Duration.ofSeconds(5)).maxEjectionTime(Duration.ofMinutes(1))
        .maxEjectionShare(1.0).build();
    private Picker picker = Pickers.powerOfTwoChoices();
    private Duration replicaAcquireTimeout = Duration.ZERO;
    private Duration replicaConnectionTimeout = Duration.ofSeconds(1);
    private boolean validateOnStart = true;
    private MeterRegistry meterRegistry;
    private Ticker ticker = Ticker.system();
    private Duration drainTimeout = Duration.ofSeconds(60);
    private SlowStart slowStart;
    private boolean startEmpty;

    private Builder(String name) {
      this.name = name;
    }

    /** The primary, with id {@code primary}. Required. */
    public Builder primary(DataSource dataSource) {
      return primary("primary", dataSource);
    }

    /** The primary, with the id its metrics and logs use. Required. */
    public Builder primary(String id, DataSource dataSource) {
      this.primaryId = id;
      this.primary = Objects.requireNonNull(dataSource, "primary dataSource");
      return this;
    }

    /** Adds a replica with no connection limit of its own (its DataSource's pool still has one). */
    public Builder replica(String id, DataSource dataSource) {
      return replica(id, dataSource, Integer.MAX_VALUE);
    }

    /**
     * Adds a replica that may have at most {@code maxConnections} connections handed out at once; set it to the
     * replica pool's size to have reads go elsewhere (another replica, the primary) rather than queue in that pool.
     */
    public Builder replica(String id, DataSource dataSource, int maxConnections) {
      replicas.add(new DataSourceSettings.ReplicaSpec(id,
          Objects.requireNonNull(dataSource, "dataSource of replica " + id), maxConnections));
      return this;
    }

    /** The vendor queries; by default found from the primary's {@code DatabaseMetaData} at start. */
    public Builder dialect(ReplicationDialect value) {
      this.dialect = Objects.requireNonNull(value, "dialect");
      return this;
    }

    /** What a read does when no replica can serve it; default {@link FallbackPolicy#PRIMARY}. */
    public Builder fallback(FallbackPolicy value) {
      this.fallback = Objects.requireNonNull(value, "fallback");
      return this;
    }

    /** Where read-your-writes tokens live outside scopes; default {@link ReadYourWrites#PER_THREAD}. */
    public Builder readYourWrites(ReadYourWrites value) {
      this.readYourWrites = Objects.requireNonNull(value, "readYourWrites");
      return this;
    }

    /**
     * How long a read that must see a write waits for a replica to replay it before it reads from the primary;
     * default zero (check once, then go to the primary).
     */
    public Builder readYourWritesWait(Duration value) {
      this.readYourWritesWait = Objects.requireNonNull(value, "readYourWritesWait");
      return this;
    }

    /** The most WAL bytes a replica may be behind and still get reads; default 16 MiB. */
    public Builder maxLagBytes(long value) {
      this.maxLagBytes = value;
      return this;
    }

    /** The longest a replica may have been behind and still get reads; default 10 s. Keep it above the interval. */
    public Builder maxLag(Duration value) {
      this.maxLag = Objects.requireNonNull(value, "maxLag");
      return this;
    }

    /** Time between probes of one replica; default 1 s. */
    public Builder probeInterval(Duration value) {
      this.probeInterval = Objects.requireNonNull(value, "probeInterval");
      return this;
    }

    /** A probe not answered by then failed; also the network timeout of its queries. Default 1 s. */
    public Builder probeTimeout(Duration value) {
      this.probeTimeout = Objects.requireNonNull(value, "probeTimeout");
      return this;
    }

    /** Failed probes in a row that take a replica out; default 2. One passed probe brings it back. */
    public Builder unhealthyThreshold(int value) {
      this.unhealthyThreshold = value;
      return this;
    }

    /** Ejection of a replica whose connections fail; default 3 in a row, 5 s doubling to 1 min, any share. */
    public Builder outlierDetection(OutlierDetection value) {
      this.outlierDetection = Objects.requireNonNull(value, "outlierDetection");
      return this;
    }

    /** How a replica is chosen; default power of two choices on in-flight × hold-time EWMA. */
    public Builder picker(Picker value) {
      this.picker = Objects.requireNonNull(value, "picker");
      return this;
    }

    /**
     * How long a read waits for a free replica slot (see {@link #replica(String, DataSource, int)}), over all the
     * replicas it tries; default 0.
     */
    public Builder replicaAcquireTimeout(Duration value) {
      this.replicaAcquireTimeout = Objects.requireNonNull(value, "replicaAcquireTimeout");
      return this;
    }

    /**
     * The longest a read waits for replica DataSources to hand out a connection, over all the replicas it tries;
     * default 1 s. A pool whose server has just died waits for its own connection timeout (HikariCP's default is
     * 30 s): the read gives that replica up at this bound, or as soon as the probes mark it down, counts it as a
     * connection failure of the replica (so that it is ejected) and goes to another replica or falls back by
     * {@link #fallback(FallbackPolicy)}. A read spends at most {@link #replicaAcquireTimeout(Duration)} plus this on
     * the replicas. The start check gives each replica this long to hand out its first connection.
     */
    public Builder replicaConnectionTimeout(Duration value) {
      this.replicaConnectionTimeout = Objects.requireNonNull(value, "replicaConnectionTimeout");
      return this;
    }

    /**
     * Whether {@link #build()} connects to every server to check its role; default true. When off, replicas are
     * trusted until a probe says otherwise and the dialect defaults to PostgreSQL.
     */
    public Builder validateOnStart(boolean value) {
      this.validateOnStart = value;
      return this;
    }

    /** Where metrics go; none by default. */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /** The time source for lag and hold times; default {@link Ticker#system()}. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /**
     * How long {@link ReplicaRoutingDataSource#removeReplica(String)} waits for a replica's open connections before
     * it closes the replica's DataSource; default 60 s.
     */
    public Builder drainTimeout(Duration value) {
      this.drainTimeout = Objects.requireNonNull(value, "drainTimeout");
      return this;
    }

    /**
     * Slow start for replicas added at run time ({@link ReplicaRoutingDataSource#addReplica}, a discovery source):
     * once its first probe verifies it as a standby, a new replica's share of the reads ramps up over {@code window}
     * (a cold standby's buffer cache makes its first reads its slowest). The replicas the data source is built with
     * start at full weight. Off by default.
     */
    public Builder slowStart(Duration window) {
      this.slowStart = SlowStart.of(window);
      return this;
    }

    /**
     * Lets the data source start without replicas: they come at run time ({@link ReplicaRoutingDataSource#addReplica},
     * a discovery source over {@link ReplicaRoutingDataSource#membership}). Until one is verified, reads follow the
     * {@link #fallback fallback policy}. Without it, at least one {@link #replica} is required.
     */
    public Builder startEmpty() {
      this.startEmpty = true;
      return this;
    }

    /**
     * Validates the settings, checks the servers (unless {@link #validateOnStart(boolean)} is off) and starts the
     * probes.
     *
     * @throws ConfigException naming the setting: no primary, no replica, a duplicate id, a bad limit, a primary
     *     that is a standby, a replica that is a primary, a vendor without a dialect
     * @throws DatabaseAuthenticationException when a server refuses its DataSource's login (a wrong password),
     *     reported at the first refused login
     * @throws HeadroomException when the primary cannot be reached at start
     */
    public ReplicaRoutingDataSource build() {
      return new ReplicaRoutingDataSource(SettingsChecks.validate(new DataSourceSettings(name, primaryId, primary,
          replicas, dialect, fallback, readYourWrites, readYourWritesWait, maxLagBytes, maxLag, probeInterval,
          probeTimeout, unhealthyThreshold, outlierDetection, picker, replicaAcquireTimeout, replicaConnectionTimeout,
          validateOnStart, meterRegistry, ticker, drainTimeout, slowStart, startEmpty)));
    }
  }
}
