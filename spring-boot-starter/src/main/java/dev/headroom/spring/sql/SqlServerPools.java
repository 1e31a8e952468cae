package dev.headroom.spring.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.spring.PropertyErrors;
import dev.headroom.spring.discovery.HeadroomDiscovery;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The HikariCP pools of {@code headroom.sql}'s servers, by id (the primary first). A bean of its own, so that it is
 * closed after the routing DataSource that uses it.
 */
final class SqlServerPools implements AutoCloseable {
  /** A JDBC URL's scheme, authority (host and port) and the rest. */
  private static final Pattern AUTHORITY = Pattern.compile("(jdbc:[A-Za-z0-9:]+://)([^/?;]+)(.*)");

  private final String primaryId;
  private final Map<String, HikariDataSource> pools;

  private SqlServerPools(String primaryId, Map<String, HikariDataSource> pools) {
    this.primaryId = primaryId;
    this.pools = pools;
  }

  /**
   * Validates every server's settings, then starts a pool per server. The pools connect lazily: the routing
   * DataSource's start check, not HikariCP, decides whether a server must be reachable.
   */
  static SqlServerPools start(HeadroomSqlProperties p) {
    String at = SqlDataSourceFactory.AT;
    if (p.name() == null || p.name().isBlank()) {
      throw PropertyErrors.invalid(at + ".name", "'" + p.name() + "'", "must be non-empty");
    }
    if (p.primary() == null) {
      throw PropertyErrors.invalid(at + ".primary.url", "(missing)", "must be set: writes need a primary");
    }
    HeadroomDiscovery.check(at + ".discovery", p.discovery());
    if (p.replicas().isEmpty() && !p.discovery().configured()) {
      throw PropertyErrors.invalid(at + ".replicas", "[]", "must list at least one replica (without replicas, use"
          + " spring.datasource for the primary alone; or set a discovery source)");
    }
    String primaryId = p.primary().id() == null ? "primary" : p.primary().id();
    Map<String, String> ids = new LinkedHashMap<>();
    check(at + ".primary", p.primary(), primaryId, ids);
    for (int i = 0; i < p.replicas().size(); i++) {
      HeadroomSqlProperties.Server r = p.replicas().get(i);
      String rat = at + ".replicas[" + i + "]";
      if (r.id() == null || r.id().isBlank()) {
        throw PropertyErrors.invalid(rat + ".id", r.id() == null ? "(missing)" : "'" + r.id() + "'", "must be set");
      }
      check(rat, r, r.id(), ids);
      if (r.maxConnections() != null && r.maxConnections() < 1) {
        throw PropertyErrors.invalid(rat + ".max-connections", r.maxConnections(), "must be >= 1 when set");
      }
    }
    List<HikariDataSource> started = new ArrayList<>();
    Map<String, HikariDataSource> pools = new LinkedHashMap<>();
    try {
      pools.put(primaryId, pool(p.name(), primaryId, p.primary(), started));
      for (HeadroomSqlProperties.Server r : p.replicas()) {
        pools.put(r.id(), pool(p.name(), r.id(), r, started));
      }
    } catch (RuntimeException e) {
      started.forEach(HikariDataSource::close);
      throw e;
    }
    return new SqlServerPools(primaryId, pools);
  }

  private static void check(String at, HeadroomSqlProperties.Server s, String id, Map<String, String> ids) {
    String first = ids.putIfAbsent(id, at);
    if (first != null) {
      throw PropertyErrors.invalid(at + ".id", id, "must be unique among the servers (" + first + " has it)");
    }
    if (s.url() == null || s.url().isBlank()) {
      throw PropertyErrors.invalid(at + ".url", "(missing)", "must be set");
    }
    if (!s.url().startsWith("jdbc:")) {
      throw PropertyErrors.invalid(at + ".url", HeadroomSqlProperties.Server.redact(s.url()),
          "must be a JDBC URL (jdbc:...)");
    }
    if (s.maxPoolSize() < 1) {
      throw PropertyErrors.invalid(at + ".max-pool-size", s.maxPoolSize(), "must be >= 1");
    }
    if (s.connectionTimeout() == null || s.connectionTimeout().compareTo(Duration.ofMillis(250)) < 0) {
      throw PropertyErrors.invalid(at + ".connection-timeout", s.connectionTimeout(), "must be >= 250ms");
    }
  }

  private static HikariDataSource pool(String name, String id, HeadroomSqlProperties.Server s,
      List<HikariDataSource> started) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name + "-" + id);
    config.setJdbcUrl(s.url());
    if (s.username() != null) {
      config.setUsername(s.username());
    }
    if (s.password() != null) {
      config.setPassword(s.password());
    }
    config.setMaximumPoolSize(s.maxPoolSize());
    config.setConnectionTimeout(s.connectionTimeout().toMillis());
    config.setInitializationFailTimeout(-1);
    HikariDataSource pool = new HikariDataSource(config);
    started.add(pool);
    return pool;
  }

  /**
   * A pool for a replica found by discovery: the primary's settings and credentials, at the member's host and port
   * (the JDBC URL's authority replaced: {@code jdbc:postgresql://db-1:5432/app} becomes
   * {@code jdbc:postgresql://<member>:<port>/app}), {@code maxPoolSize} connections.
   */
  static HikariDataSource discovered(HeadroomSqlProperties p, String id, URI member, int maxPoolSize) {
    HeadroomSqlProperties.Server primary = p.primary();
    Matcher url = AUTHORITY.matcher(primary.url());
    if (!url.matches()) {
      throw PropertyErrors.invalid(SqlDataSourceFactory.AT + ".primary.url",
          HeadroomSqlProperties.Server.redact(primary.url()),
          "must be jdbc:<vendor>://host[:port]/... to reach discovered replicas at their own host and port");
    }
    String authority = member.getPort() < 0 ? member.getHost() : member.getHost() + ":" + member.getPort();
    HeadroomSqlProperties.Server server = new HeadroomSqlProperties.Server(id, url.group(1) + authority + url.group(3),
        primary.username(), primary.password(), maxPoolSize, primary.connectionTimeout(), null);
    return pool(p.name(), id, server, new ArrayList<>());
  }

  String primaryId() {
    return primaryId;
  }

  DataSource get(String id) {
    return pools.get(id);
  }

  /** Every pool by server id, the primary first. */
  Map<String, HikariDataSource> asMap() {
    return pools;
  }

  @Override
  public void close() {
    pools.values().forEach(HikariDataSource::close);
  }

  @Override
  public String toString() {
    return "SqlServerPools" + pools.keySet();
  }
}
