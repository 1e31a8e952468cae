package dev.headroom.sql;

import dev.headroom.core.ConfigException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** The checks of {@link ReplicaRoutingDataSource.Builder#build()} that need no server. */
final class BuilderChecks {
  private BuilderChecks() {}

  static void validate(ReplicaRoutingDataSource.Builder b) {
    if (b.name == null || b.name.isBlank()) {
      throw new ConfigException("data source name", b.name, "must be non-empty");
    }
    String p = "'" + b.name + "': ";
    if (b.primary == null) {
      throw new ConfigException(p + "primary", "none",
          "must be set: writes and read-write transactions need a primary DataSource");
    }
    if (b.primaryId == null || b.primaryId.isBlank()) {
      throw new ConfigException(p + "primary id", b.primaryId, "must be non-empty");
    }
    if (b.replicas.isEmpty()) {
      throw new ConfigException(p + "replicas", "[]",
          "must list at least one replica DataSource (without replicas, use the primary DataSource directly)");
    }
    Set<String> ids = new HashSet<>();
    ids.add(b.primaryId);
    for (ReplicaRoutingDataSource.ReplicaSpec replica : b.replicas) {
      if (replica.id() == null || replica.id().isBlank()) {
        throw new ConfigException(p + "replica id", replica.id(), "must be non-empty");
      }
      if (!ids.add(replica.id())) {
        throw new ConfigException(p + "replica id", replica.id(), "must be unique (and differ from the primary's id)");
      }
      if (replica.dataSource() == b.primary) {
        throw new ConfigException(p + "replica '" + replica.id() + "'", "the primary DataSource",
            "must be a DataSource of a replica, not the primary's");
      }
      if (replica.maxConnections() < 1) {
        throw new ConfigException(p + "maxConnections of replica '" + replica.id() + "'", replica.maxConnections(),
            "must be >= 1");
      }
    }
    if (b.maxLagBytes < 0) {
      throw new ConfigException(p + "maxLagBytes", b.maxLagBytes, "must be >= 0");
    }
    positive(p + "maxLag", b.maxLag);
    positive(p + "probeInterval", b.probeInterval);
    positive(p + "probeTimeout", b.probeTimeout);
    notNegative(p + "readYourWritesWait", b.readYourWritesWait);
    notNegative(p + "replicaAcquireTimeout", b.replicaAcquireTimeout);
    positive(p + "replicaConnectionTimeout", b.replicaConnectionTimeout);
    if (b.unhealthyThreshold < 1) {
      throw new ConfigException(p + "unhealthyThreshold", b.unhealthyThreshold, "must be >= 1");
    }
  }

  private static void positive(String setting, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException(setting, value, "must be > 0");
    }
  }

  private static void notNegative(String setting, Duration value) {
    if (value.isNegative()) {
      throw new ConfigException(setting, value, "must be >= 0");
    }
  }
}
