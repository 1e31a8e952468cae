/**
 * A {@link javax.sql.DataSource} that sends writes to a primary and reads to health-checked, lag-aware replicas:
 * {@link dev.headroom.sql.ReplicaRoutingDataSource}.
 *
 * <p><b>Why connections are lazy.</b> Whether a connection is a read is known only after
 * {@code setReadOnly(true)}, which Spring says right after taking it; so the physical connection is taken at first
 * use ({@code LazyConnection}), and every physical connection is a lease in a core pool ({@code Routing}), which
 * gives replicas the core picker, health checks, outlier ejection and metrics.
 *
 * <p><b>Why a read's wait on a replica is bounded here.</b> A replica DataSource is usually a pool, and a pool
 * whose server has just died does not fail fast: HikariCP keeps the caller in {@code getConnection} for its
 * connection timeout (30 s by default) while it retries in the background, long after the probes noticed. JDBC has
 * no way to bound a single {@code getConnection}, so {@code ReplicaConnector} runs it on a worker thread and the read
 * waits at most {@code replicaConnectionTimeout} (shared by all the replicas one read tries), checking meanwhile
 * whether the replica is still up; when it gives up, the replica's lease records a failure (outlier detection ejects
 * it after a few) and the read tries another replica or falls back by {@link dev.headroom.sql.FallbackPolicy}. The
 * worker stays in the dead pool until that pool's own timeout and then closes whatever it got; to keep that fault
 * local, a replica with too many such attempts outstanding gets no new ones. The cost is a thread hand-off per
 * replica connection, small next to a query.
 *
 * <p><b>Why a refused login is detected apart.</b> A wrong password is a configuration error, not an outage, but a
 * pool reports it only as "connection not available" after its timeout, with the real reason in the cause chain.
 * The start check ({@code StartupCheck}) gives each server the same bound, then looks for SQLState class 28 in the
 * cause chain and, for a HikariCP pool (an optional dependency: {@code HikariFacts}), logs in once through the pool's
 * own driver DataSource, which answers at once ({@code LoginCheck}). The
 * {@link dev.headroom.sql.DatabaseAuthenticationException} names the server and the user; the driver's message is
 * kept without URL passwords or the pool's password, and no exception it carries holds one.
 *
 * <p><b>Lag and read-your-writes.</b> See {@link dev.headroom.sql.ReplicaRoutingDataSource}: lag time is measured
 * against the primary's own WAL history ({@code PrimaryHistory}), and read-your-writes tokens are WAL positions.
 *
 * <p><b>Construction.</b> {@link dev.headroom.sql.ReplicaRoutingDataSource.Builder#build()} validates the builder
 * into an immutable record ({@code DataSourceSettings}, checked by {@code SettingsChecks}) and only then checks the
 * servers ({@code StartupCheck}); the data source and its {@code Routing} read that record, never the builder, so a
 * builder reused after {@code build()} cannot change a running data source. A rejected setting is a
 * {@link dev.headroom.core.ConfigException} whose subject is the data source ({@code 'orders-db'}, or
 * {@code 'orders-db': replica 'r1'} for a replica's own settings) and whose path is the builder's name for the
 * setting ({@code maxLag}, {@code maxConnections}); a server that turns out to have the wrong role is reported as the
 * whole server ({@code primary}, {@code replica 'r1'}), since what is wrong is its URL.
 *
 * <p><b>Replicas at run time.</b> {@code ReplicaMembers} adds a replica with the builder's checks (it is unverified
 * until the prober, which probes a new replica at once, finds a standby within the lag limits), drains and resumes
 * replicas, and removes one: no new reads at once; once its connections are closed, or the drain timeout passed, it
 * leaves the core pool and its DataSource is closed; {@code Routing} forgets it when its last connection is closed.
 * The probe threads follow the number of replicas.
 *
 * <p><b>Public surface.</b> Users touch the data source and its builder, the enums and records its methods take and
 * return ({@link dev.headroom.sql.FallbackPolicy}, {@link dev.headroom.sql.ReadYourWrites},
 * {@link dev.headroom.sql.ReplicationToken}, {@link dev.headroom.sql.ConsistencyScope},
 * {@link dev.headroom.sql.ReplicaStatus}), what a connection says about its routing
 * ({@link dev.headroom.sql.RoutedConnection}), the SPI for another vendor
 * ({@link dev.headroom.sql.ReplicationDialect}),
 * the exceptions, and the names of the meters ({@link dev.headroom.sql.SqlMetricNames}; {@code RoutingMetrics}
 * records them). Everything else (the lazy connection, the prober, the connector, the vendor table) is
 * package-private.
 */
package dev.headroom.sql;
