package dev.headroom.spring.browser;

import dev.headroom.browser.BrowserHost;
import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.BrowserPoolConfig;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.spring.ConditionalOnHeadroomProperties;
import dev.headroom.spring.FleetBeans;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.discovery.DiscoverySyncs;
import dev.headroom.spring.discovery.HeadroomDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A {@link BrowserPool} from {@code headroom.browser.*} ({@link HeadroomBrowserProperties}), on the application's
 * {@link MeterRegistry} when there is one, adjusted by every {@link HeadroomBrowserCustomizer}; with the
 * application's {@link FleetCoordinator} bean (see {@code headroom.fleet.*}) each host's max-sessions is a hard cap
 * across every replica of the service. Its local browsers
 * launch while the context starts; when the context closes the pool is closed, which kills every browser it launched
 * with all their helper processes and deletes their profiles. Created only when the module is on the classpath and
 * something under {@code headroom.browser} is set; off with {@code headroom.browser.enabled=false}; backs off when the
 * application defines its own {@link BrowserPool}.
 */
@AutoConfiguration(after = HeadroomAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(name = "dev.headroom.browser.BrowserPool")
@ConditionalOnBooleanProperty(name = "headroom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "headroom.browser.enabled", matchIfMissing = true)
@ConditionalOnHeadroomProperties("headroom.browser")
@EnableConfigurationProperties(HeadroomBrowserProperties.class)
public class HeadroomBrowserAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(HeadroomBrowserAutoConfiguration.class);

  /** Creates the auto-configuration (Spring does). */
  public HeadroomBrowserAutoConfiguration() {}

  /**
   * The pool, its hosts up (closed with the context).
   *
   * @throws dev.headroom.core.ConfigException naming the property when a value is bad
   * @throws dev.headroom.browser.BrowserLaunchException when no host could be brought up
   */
  @Bean
  @ConditionalOnMissingBean
  public BrowserPool headroomBrowserPool(HeadroomBrowserProperties properties, ObjectProvider<MeterRegistry> registry,
      ObjectProvider<FleetCoordinator> fleet, ObjectProvider<HeadroomBrowserCustomizer> customizers,
      BeanFactory beanFactory) {
    BrowserPoolConfig.Builder builder = BrowserPoolFactory.builder(properties,
        Optional.ofNullable(registry.getIfAvailable()),
        FleetBeans.coordinator(fleet, beanFactory, "headroomBrowserPool"));
    customizers.orderedStream().forEach(c -> c.customize(properties.name(), builder));
    BrowserPool pool = BrowserPool.create(BrowserPoolFactory.build(builder));
    LOG.info("headroom.browser: {}", pool);
    return pool;
  }

  /**
   * Adds the remote browser hosts of {@code headroom.browser.discovery} (each member's URI is its DevTools endpoint)
   * and removes those that leave; stops before the pool closes.
   */
  @Bean
  public DiscoverySyncs headroomBrowserDiscovery(HeadroomBrowserProperties properties, BrowserPool pool,
      HeadroomDiscovery discovery) {
    int sessions = properties.discovery().maxConcurrency();
    return new DiscoverySyncs(discovery.start("headroom.browser.discovery", properties.name(),
        properties.discovery(), pool.membership(m -> BrowserHost.remote(m.id(), m.uri()).maxSessions(sessions)
            .build())).stream().toList());
  }

}
