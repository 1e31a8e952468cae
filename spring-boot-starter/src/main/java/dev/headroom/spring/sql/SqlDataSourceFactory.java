package dev.headroom.spring.sql;

import dev.headroom.core.ConfigException;
import dev.headroom.spring.PropertyErrors;
import dev.headroom.sql.ReplicaRoutingDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;

/** Maps {@code headroom.sql.*} onto a {@link ReplicaRoutingDataSource}, naming every rejected value by its property. */
final class SqlDataSourceFactory {
  static final String AT = "headroom.sql";

  private SqlDataSourceFactory() {}

  static ReplicaRoutingDataSource.Builder builder(HeadroomSqlProperties p, SqlServerPools servers,
      Optional<MeterRegistry> registry) {
    ReplicaRoutingDataSource.Builder b = ReplicaRoutingDataSource.builder(p.name())
        .primary(servers.primaryId(), servers.get(servers.primaryId()));
    for (HeadroomSqlProperties.Server r : p.replicas()) {
      if (r.maxConnections() == null) {
        b.replica(r.id(), servers.get(r.id()));
      } else {
        b.replica(r.id(), servers.get(r.id()), r.maxConnections());
      }
    }
    if (p.replicas().isEmpty()) {
      b.startEmpty(); // the replicas come from discovery (checked by SqlServerPools)
    }
    if (p.slowStart() != null) {
      PropertyErrors.as(AT + ".slow-start", () -> b.slowStart(p.slowStart()));
    }
    b.fallback(p.fallback())
        .readYourWrites(p.readYourWrites())
        .readYourWritesWait(p.readYourWritesWait())
        .maxLagBytes(p.maxLagBytes().toBytes())
        .maxLag(p.maxLag())
        .probeInterval(p.probeInterval())
        .probeTimeout(p.probeTimeout())
        .unhealthyThreshold(p.unhealthyThreshold())
        .replicaAcquireTimeout(p.replicaAcquireTimeout())
        .replicaConnectionTimeout(p.replicaConnectionTimeout())
        .validateOnStart(p.validateOnStart());
    registry.ifPresent(b::meterRegistry);
    return b;
  }

  /**
   * Builds (checking every server's role unless {@code validate-on-start} is off); a rejected value or server names
   * its property: a primary URL that reaches a standby names {@code headroom.sql.primary.url}, a replica URL that
   * reaches a primary {@code headroom.sql.replicas[i].url}.
   */
  static ReplicaRoutingDataSource build(ReplicaRoutingDataSource.Builder builder, HeadroomSqlProperties p) {
    try {
      return builder.build();
    } catch (ConfigException e) {
      throw translate(e, p.replicas());
    }
  }

  /**
   * The property of a rejected setting, from its path alone: the sql module names a whole server by path
   * ({@code primary}, {@code replica '<id>'}, and {@code replication dialect} for the primary's product), which is the
   * server's URL here; any other path is a setting below {@code headroom.sql}.
   */
  static ConfigException translate(ConfigException e, List<HeadroomSqlProperties.Server> replicas) {
    String path = e.path();
    if (path.equals("primary") || path.equals("replication dialect")) {
      return PropertyErrors.rename(AT + ".primary.url", e);
    }
    for (int i = 0; i < replicas.size(); i++) {
      if (path.equals("replica '" + replicas.get(i).id() + "'")) {
        return PropertyErrors.rename(AT + ".replicas[" + i + "].url", e);
      }
    }
    return PropertyErrors.translate(AT, e);
  }
}
