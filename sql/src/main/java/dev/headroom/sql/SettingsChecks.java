package dev.headroom.sql;

import dev.headroom.core.Checks;
import java.util.HashSet;
import java.util.Set;

/**
 * The checks of {@link ReplicaRoutingDataSource.Builder#build()} that need no server. Errors name the data source
 * as their subject ({@code 'orders-db'}) and the builder's setting as their path ({@code maxLag}); a replica's own
 * settings name the replica in the subject ({@code 'orders-db': replica 'r1'}).
 */
final class SettingsChecks {
  private SettingsChecks() {}

  static DataSourceSettings validate(DataSourceSettings s) {
    Checks.in("data source").nonBlank("name", s.name());
    String subject = "'" + s.name() + "'";
    Checks checks = Checks.in(subject);
    if (s.primary() == null) {
      throw checks.invalid("primary", "none",
          "must be set: writes and read-write transactions need a primary DataSource");
    }
    Checks.in(server(subject, "primary", s.primaryId())).nonBlank("id", s.primaryId());
    if (s.replicas().isEmpty() && !s.startEmpty()) {
      throw checks.invalid("replicas", "[]", "must list at least one replica DataSource (without replicas, use the"
          + " primary DataSource directly; with replicas from discovery, startEmpty())");
    }
    Set<String> ids = new HashSet<>();
    ids.add(s.primaryId());
    for (DataSourceSettings.ReplicaSpec replica : s.replicas()) {
      Checks checksOfReplica = Checks.in(server(subject, "replica", replica.id()));
      checksOfReplica.nonBlank("id", replica.id());
      if (!ids.add(replica.id())) {
        throw checksOfReplica.invalid("id", replica.id(), "must be unique (and differ from the primary's id)");
      }
      if (replica.dataSource() == s.primary()) {
        // the whole replica is wrong, as when its server turns out to be a primary (StartupCheck)
        throw checks.invalid("replica '" + replica.id() + "'", "the primary DataSource",
            "must be a DataSource of a replica, not the primary's");
      }
      checksOfReplica.atLeast("maxConnections", replica.maxConnections(), 1);
    }
    checks.atLeast("maxLagBytes", s.maxLagBytes(), 0L);
    checks.positive("maxLag", s.maxLag());
    checks.positive("probeInterval", s.probeInterval());
    checks.positive("probeTimeout", s.probeTimeout());
    checks.nonNegative("readYourWritesWait", s.readYourWritesWait());
    checks.nonNegative("replicaAcquireTimeout", s.replicaAcquireTimeout());
    checks.positive("replicaConnectionTimeout", s.replicaConnectionTimeout());
    checks.atLeast("unhealthyThreshold", s.unhealthyThreshold(), 1);
    checks.nonNegative("drainTimeout", s.drainTimeout());
    return s;
  }

  /** The subject of a server's own settings: {@code 'orders-db': replica 'r1'}. */
  private static String server(String subject, String role, String id) {
    return subject + ": " + role + " '" + id + "'";
  }
}
