package dev.headroom.spring.sql;

import dev.headroom.spring.ConditionalOnHeadroomProperties;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.discovery.DiscoverySyncs;
import dev.headroom.spring.discovery.HeadroomDiscovery;
import dev.headroom.sql.ReplicaRoutingDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The application's {@link DataSource} as a {@link ReplicaRoutingDataSource} from {@code headroom.sql.*}
 * ({@link HeadroomSqlProperties}): a HikariCP pool per server, writes to the primary, read-only work to the replicas.
 * It runs before Spring Boot's DataSource auto-configuration, which then backs off, so Boot's
 * {@code JdbcTemplate} and {@code DataSourceTransactionManager} use it and {@code @Transactional(readOnly = true)}
 * reads go to replicas. Created only when the module and HikariCP are on the classpath, something under
 * {@code headroom.sql} is set and the application defines no {@link DataSource} of its own; off with
 * {@code headroom.sql.enabled=false}. On shutdown the probes stop, then the pools close.
 */
@AutoConfiguration(after = HeadroomAutoConfiguration.class,
    beforeName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.XADataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JndiDataSourceAutoConfiguration"},
    afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(name = {"dev.headroom.sql.ReplicaRoutingDataSource", "com.zaxxer.hikari.HikariDataSource"})
@ConditionalOnBooleanProperty(name = "headroom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "headroom.sql.enabled", matchIfMissing = true)
@ConditionalOnHeadroomProperties("headroom.sql")
@ConditionalOnMissingBean(DataSource.class)
@EnableConfigurationProperties(HeadroomSqlProperties.class)
public class HeadroomSqlAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(HeadroomSqlAutoConfiguration.class);

  /** Creates the auto-configuration (Spring does). */
  public HeadroomSqlAutoConfiguration() {}

  /** A HikariCP pool per server (closed after the routing DataSource). */
  @Bean
  SqlServerPools headroomSqlServerPools(HeadroomSqlProperties properties) {
    return SqlServerPools.start(properties);
  }

  /**
   * The routing DataSource, checked against the servers unless {@code validate-on-start} is off (its probes stop
   * with the context).
   *
   * @throws dev.headroom.core.ConfigException naming the property when a value is bad, the primary's URL reaches a
   *     standby or a replica's URL reaches a primary
   */
  @Bean
  @ConditionalOnMissingBean(DataSource.class)
  public ReplicaRoutingDataSource dataSource(HeadroomSqlProperties properties, SqlServerPools servers,
      ObjectProvider<MeterRegistry> registry, ObjectProvider<HeadroomSqlCustomizer> customizers) {
    ReplicaRoutingDataSource.Builder builder = SqlDataSourceFactory.builder(properties, servers,
        Optional.ofNullable(registry.getIfAvailable()));
    customizers.orderedStream().forEach(c -> c.customize(properties.name(), builder));
    ReplicaRoutingDataSource dataSource = SqlDataSourceFactory.build(builder, properties);
    LOG.info("headroom.sql: {} over {}", dataSource, properties.primary()); // passwords show as [redacted]
    return dataSource;
  }

  /**
   * Keeps the read replicas of {@code headroom.sql.discovery} in the routing DataSource: each member gets a HikariCP
   * pool with the primary's settings at the member's host and port; stops before the DataSource closes.
   */
  @Bean
  public DiscoverySyncs headroomSqlDiscovery(HeadroomSqlProperties properties, ReplicaRoutingDataSource dataSource,
      HeadroomDiscovery discovery) {
    int connections = properties.discovery().maxConcurrency();
    return new DiscoverySyncs(discovery.start("headroom.sql.discovery", properties.name(), properties.discovery(),
        dataSource.membership(connections, m -> SqlServerPools.discovered(properties, m.id(), m.uri(), connections)))
        .stream().toList());
  }

}
