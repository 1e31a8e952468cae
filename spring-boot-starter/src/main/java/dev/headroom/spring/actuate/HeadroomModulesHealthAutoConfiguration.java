package dev.headroom.spring.actuate;

import dev.headroom.browser.BrowserPool;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.TieredCache;
import dev.headroom.spring.cache.HeadroomCacheAutoConfiguration;
import dev.headroom.spring.cache.HeadroomCaches;
import dev.headroom.spring.browser.HeadroomBrowserAutoConfiguration;
import dev.headroom.spring.fleet.HeadroomFleetAutoConfiguration;
import dev.headroom.spring.sql.HeadroomSqlAutoConfiguration;
import dev.headroom.sql.ReplicaRoutingDataSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * When Spring Boot's health module is present: the modules' health components, each when its module is on the
 * classpath and the application has one of its beans (the auto-configured one or its own).
 *
 * <ul>
 *   <li>{@code headroomBrowser}: a {@link BrowserHealthIndicator} per {@link BrowserPool}, by pool name
 *       ({@code /actuator/health/headroomBrowser/browser}); off with
 *       {@code management.health.headroom-browser.enabled=false}.
 *   <li>{@code headroomSql}: a {@link ReplicaHealthIndicator} per {@link ReplicaRoutingDataSource}, by name
 *       ({@code /actuator/health/headroomSql/db}); off with {@code management.health.headroom-sql.enabled=false}.
 *   <li>{@code headroomCache}: a {@link CacheHealthIndicator} per {@link CacheCluster}, by name
 *       ({@code /actuator/health/headroomCache/cache}): UP or DOWN with its L2, and the namespaces opened on it; off
 *       with {@code management.health.headroom-cache.enabled=false}.
 *   <li>{@code headroomFleet}: a {@link FleetHealthIndicator} for the {@link FleetCoordinator}
 *       ({@code /actuator/health/headroomFleet}): UP, or DEGRADED (never DOWN) while it decides locally; off with
 *       {@code management.health.headroom-fleet.enabled=false}.
 * </ul>
 *
 * <p>The LLM router's node pools and the embedding pool's core pools are core pools: they are in the
 * {@code headroom} component with the others.
 */
@AutoConfiguration(after = {HeadroomBrowserAutoConfiguration.class, HeadroomSqlAutoConfiguration.class,
    HeadroomCacheAutoConfiguration.class, HeadroomFleetAutoConfiguration.class})
@ConditionalOnClass(HealthIndicator.class)
public class HeadroomModulesHealthAutoConfiguration {

  /** Creates the auto-configuration (Spring does). */
  public HeadroomModulesHealthAutoConfiguration() {}

  /** The browser pools' health. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.headroom.browser.BrowserPool")
  @ConditionalOnBean(BrowserPool.class)
  @ConditionalOnEnabledHealthIndicator("headroom-browser")
  static class Browser {
    /** The {@code headroomBrowser} health component. */
    @Bean
    @ConditionalOnMissingBean(name = "headroomBrowserHealthContributor")
    HealthContributor headroomBrowserHealthContributor(ObjectProvider<BrowserPool> pools) {
      Map<String, BrowserPool> byName = new LinkedHashMap<>();
      pools.orderedStream().forEach(pool -> byName.put(pool.name(), pool));
      return CompositeHealthContributor.fromMap(byName, BrowserHealthIndicator::new);
    }
  }

  /** The routing data sources' replicas. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.headroom.sql.ReplicaRoutingDataSource")
  @ConditionalOnBean(ReplicaRoutingDataSource.class)
  @ConditionalOnEnabledHealthIndicator("headroom-sql")
  static class Sql {
    /** The {@code headroomSql} health component. */
    @Bean
    @ConditionalOnMissingBean(name = "headroomSqlHealthContributor")
    HealthContributor headroomSqlHealthContributor(ObjectProvider<ReplicaRoutingDataSource> dataSources) {
      Map<String, ReplicaRoutingDataSource> byName = new LinkedHashMap<>();
      dataSources.orderedStream().forEach(ds -> byName.put(ds.name(), ds));
      return CompositeHealthContributor.fromMap(byName, ReplicaHealthIndicator::new);
    }
  }

  /** The cache clusters' L2. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.headroom.redis.CacheCluster")
  @ConditionalOnBean(CacheCluster.class)
  @ConditionalOnEnabledHealthIndicator("headroom-cache")
  static class Cache {
    /** The {@code headroomCache} health component. */
    @Bean
    @ConditionalOnMissingBean(name = "headroomCacheHealthContributor")
    HealthContributor headroomCacheHealthContributor(ObjectProvider<CacheCluster> clusters,
        ObjectProvider<HeadroomCaches> registries) {
      Map<String, CacheCluster> byName = new LinkedHashMap<>();
      clusters.orderedStream().forEach(cluster -> byName.put(cluster.name(), cluster));
      return CompositeHealthContributor.fromMap(byName, cluster -> new CacheHealthIndicator(cluster, () -> {
        Map<String, TieredCache<?, ?>> open = new LinkedHashMap<>();
        registries.orderedStream().filter(r -> r.cluster() == cluster).forEach(r -> open.putAll(r.opened()));
        return open;
      }));
    }
  }

  /** The fleet coordinator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(FleetCoordinator.class)
  @ConditionalOnEnabledHealthIndicator("headroom-fleet")
  static class Fleet {
    /** The {@code headroomFleet} health component. */
    @Bean
    @ConditionalOnMissingBean(name = "headroomFleetHealthContributor")
    HealthContributor headroomFleetHealthContributor(FleetCoordinator fleet) {
      return new FleetHealthIndicator(fleet);
    }
  }
}
