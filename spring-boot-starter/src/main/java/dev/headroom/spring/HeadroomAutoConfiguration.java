package dev.headroom.spring;

import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.discovery.MembershipSync;
import dev.headroom.core.discovery.PoolMembership;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.route.Router;
import dev.headroom.spring.discovery.DiscoverySyncs;
import dev.headroom.spring.discovery.HeadroomDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Headroom's core auto-configuration: a {@link HeadroomPools} from {@code headroom.pools.*} (plus the
 * application's own {@link Pool} beans), a {@link HeadroomRouters} from {@code headroom.routers.*}, one bean per
 * pool and router qualified by its name, meters on the application's {@link MeterRegistry}, the pools in the
 * application's {@link FleetCoordinator} when there is one ({@code headroom.fleet.*}), and a graceful drain when the
 * context stops. Off with {@code headroom.enabled=false}; every bean backs off when the application
 * defines its own.
 *
 * <p>Auto-configurations of the other modules run after this one and find their pools in {@link HeadroomPools}.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(Pool.class)
@ConditionalOnBooleanProperty(name = "headroom.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HeadroomProperties.class)
public class HeadroomAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(HeadroomAutoConfiguration.class);

  /** Creates the auto-configuration (Spring does). */
  public HeadroomAutoConfiguration() {}

  /** Registers a qualified bean per configured pool and router. */
  @Bean
  static HeadroomBeanRegistrar headroomBeanRegistrar() {
    return new HeadroomBeanRegistrar();
  }

  /**
   * The pools: the application's {@link Pool} beans, then the configured pools whose names they do not take, then
   * the pools of every {@link HeadroomPoolSource} (the modules' own pools, such as the LLM router's). Each
   * configured pool is built from its properties (with the {@link FleetCoordinator} bean, if any), then by every
   * {@link HeadroomPoolCustomizer}, and validated; a bad value fails startup with a
   * {@link dev.headroom.core.ConfigException} naming its property.
   */
  @Bean
  @ConditionalOnMissingBean
  public HeadroomPools headroomPools(HeadroomProperties properties, ObjectProvider<MeterRegistry> registry,
      ObjectProvider<HeadroomPoolCustomizer> customizers, ObjectProvider<HeadroomPoolSource> sources,
      ObjectProvider<FleetCoordinator> fleet, ListableBeanFactory beanFactory) {
    Map<String, Pool> pools = new LinkedHashMap<>();
    for (String beanName : beanFactory.getBeanNamesForType(Pool.class)) {
      if (!beanName.startsWith(HeadroomBeanRegistrar.POOL_BEAN_PREFIX)) {
        Pool own = beanFactory.getBean(beanName, Pool.class);
        pools.put(own.name(), own);
      }
    }
    Map<String, Pool> sourced = new LinkedHashMap<>();
    sources.orderedStream().forEach(source -> source.pools().forEach((name, pool) -> {
      if (properties.pools().containsKey(name) || pools.containsKey(name) || sourced.containsKey(name)) {
        throw PropertyErrors.invalid("headroom.pools." + name, name,
            "must not be the name of a pool that a module builds itself (such as headroom.llm's <name>-local):"
                + " rename one of them");
      }
      sourced.put(name, pool);
    }));
    PoolFactory factory = new PoolFactory(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(),
        Optional.ofNullable(registry.getIfAvailable()), FleetBeans.coordinator(fleet, beanFactory, "headroomPools"),
        customizers.orderedStream().toList());
    Map<String, PoolConfig> configs = new LinkedHashMap<>();
    properties.pools().forEach((name, p) -> {
      if (pools.containsKey(name)) {
        LOG.info("headroom.pools.{}: the application's Pool bean of that name is used instead", name);
      } else {
        configs.put(name, factory.config(name, p)); // validate all before starting any
      }
    });
    Set<String> owned = new LinkedHashSet<>();
    configs.forEach((name, config) -> {
      pools.put(name, Pool.create(config));
      owned.add(name);
    });
    pools.putAll(sourced);
    return new HeadroomPools(pools, owned);
  }

  /**
   * The routers of {@code headroom.routers.*}, over {@link HeadroomPools}; each records its requests and attempts on
   * the application's {@link ObservationRegistry} when there is one (Spring Boot's tracing then shows them).
   */
  @Bean
  @ConditionalOnMissingBean
  public HeadroomRouters headroomRouters(HeadroomProperties properties, HeadroomPools pools,
      ObjectProvider<MeterRegistry> registry, ObjectProvider<HeadroomRouterCustomizer> customizers,
      ObjectProvider<ObservationRegistry> observations) {
    List<HeadroomRouterCustomizer> all = new ArrayList<>();
    ObservationRegistry observationRegistry = observations.getIfUnique();
    if (observationRegistry != null) {
      all.add((name, builder) -> builder.observationRegistry(observationRegistry));
    }
    all.addAll(customizers.orderedStream().toList()); // the application's own customizers have the last word
    RouterFactory factory = new RouterFactory(pools, Optional.ofNullable(registry.getIfAvailable()), all);
    Map<String, Router> routers = new LinkedHashMap<>();
    properties.routers().forEach((name, p) -> routers.put(name, factory.router(name, p)));
    return new HeadroomRouters(routers);
  }

  /** Drains and closes the pools when the context stops. */
  @Bean
  @ConditionalOnMissingBean
  public HeadroomLifecycle headroomLifecycle(HeadroomPools pools, HeadroomProperties properties) {
    return new HeadroomLifecycle(pools, properties.shutdown().drainTimeout());
  }

  /** Builds and starts the discovery sources of every {@code discovery} block (pools and modules). */
  @Bean
  @ConditionalOnMissingBean
  public HeadroomDiscovery headroomDiscovery(ListableBeanFactory beanFactory, ObjectProvider<MeterRegistry> registry) {
    return new HeadroomDiscovery(beanFactory, Optional.ofNullable(registry.getIfAvailable()));
  }

  /**
   * Keeps each pool with a {@code headroom.pools.<name>.discovery} source in step with it; stops before the pools
   * close.
   */
  @Bean
  public DiscoverySyncs headroomPoolsDiscovery(HeadroomProperties properties, HeadroomPools pools,
      HeadroomDiscovery discovery) {
    List<MembershipSync> syncs = new ArrayList<>();
    try {
      properties.pools().forEach((name, p) -> {
        if (p.discovery().configured()) { // the application's own registry may not have the pool: nothing to sync
          pools.find(name).flatMap(pool -> discovery.start("headroom.pools." + name + ".discovery", name,
              p.discovery(), PoolMembership.of(pool, p.discovery().maxConcurrency()))).ifPresent(syncs::add);
        }
      });
    } catch (RuntimeException e) {
      syncs.forEach(MembershipSync::close);
      throw e;
    }
    return new DiscoverySyncs(syncs);
  }

}
