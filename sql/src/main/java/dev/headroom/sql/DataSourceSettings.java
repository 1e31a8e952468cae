package dev.headroom.sql;

import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Picker;
import dev.headroom.core.SlowStart;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * The validated, immutable settings of a {@link ReplicaRoutingDataSource}, made by
 * {@link ReplicaRoutingDataSource.Builder#build()} ({@link SettingsChecks}); the data source and its {@link Routing}
 * read these, never the builder.
 *
 * @param dialect the dialect given to the builder; null: found from the primary's vendor at start
 * @param meterRegistry null: no metrics
 * @param slowStart null: replicas added at run time get their full share at once
 * @param startEmpty whether the replicas may all come at run time (none given to the builder)
 */
record DataSourceSettings(String name, String primaryId, DataSource primary, List<ReplicaSpec> replicas,
    ReplicationDialect dialect, FallbackPolicy fallback, ReadYourWrites readYourWrites, Duration readYourWritesWait,
    long maxLagBytes, Duration maxLag, Duration probeInterval, Duration probeTimeout, int unhealthyThreshold,
    OutlierDetection outlierDetection, Picker picker, Duration replicaAcquireTimeout,
    Duration replicaConnectionTimeout, boolean validateOnStart, MeterRegistry meterRegistry, Ticker ticker,
    Duration drainTimeout, SlowStart slowStart, boolean startEmpty) {

  DataSourceSettings {
    replicas = List.copyOf(replicas);
  }

  /** A replica as given to the builder. */
  record ReplicaSpec(String id, DataSource dataSource, int maxConnections) {}
}
