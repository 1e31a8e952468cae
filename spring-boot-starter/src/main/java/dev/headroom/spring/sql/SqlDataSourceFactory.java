package dev.headroom.spring.sql;

import dev.headroom.core.ConfigException;
import dev.headroom.spring.PropertyErrors;
import dev.headroom.sql.ReplicaRoutingDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps {@code headroom.sql.*} onto a {@link ReplicaRoutingDataSource}, naming every rejected value by its property. */
final class SqlDataSourceFactory {
  static final String AT = "headroom.sql";
  private static final Pattern REPLICA = Pattern.compile("': replica '(.*)'$");

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

  static ConfigException translate(ConfigException e, List<HeadroomSqlProperties.Server> replicas) {
    String setting = e.setting();
    String property = null;
    Matcher replica = REPLICA.matcher(setting);
    if (replica.find()) {
      for (int i = 0; i < replicas.size(); i++) {
        if (replicas.get(i).id().equals(replica.group(1))) {
          property = AT + ".replicas[" + i + "].url";
        }
      }
    } else if (setting.endsWith("': primary") || setting.equals("replication dialect")) {
      property = AT + ".primary.url";
    }
    if (property == null) {
      return PropertyErrors.translate(AT, e);
    }
    ConfigException mapped = PropertyErrors.invalid(property, e.value(), requirement(e));
    mapped.initCause(e);
    return mapped;
  }

  private static String requirement(ConfigException e) {
    String message = e.getMessage();
    String head = e.setting() + " ";
    String tail = " but was " + e.value();
    if (message.startsWith(head) && message.endsWith(tail)) {
      return message.substring(head.length(), message.length() - tail.length());
    }
    return "is invalid (" + message + ")";
  }
}
