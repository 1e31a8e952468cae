package dev.headroom.spring.llm;

import dev.headroom.core.Pool;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.OllamaNode;
import dev.headroom.llm.ResponseCache;
import dev.headroom.spring.ConditionalOnHeadroomProperties;
import dev.headroom.spring.FleetBeans;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomPoolSource;
import dev.headroom.spring.discovery.DiscoverySyncs;
import dev.headroom.spring.discovery.HeadroomDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * An {@link LlmRouter} from {@code headroom.llm.*} ({@link HeadroomLlmProperties}), on the application's
 * {@link MeterRegistry}, {@link ResponseCache} and {@link FleetCoordinator} beans when there are (with a coordinator,
 * the nodes' slots count every replica's calls and the cloud spend limit holds for all replicas together), adjusted
 * by every {@link HeadroomLlmCustomizer}. Its node pools join {@link dev.headroom.spring.HeadroomPools} (a
 * {@link HeadroomPoolSource}): they show in the {@code headroom} health component and drain when the context stops;
 * the router is closed after that. Created only when the module is on the classpath and something under
 * {@code headroom.llm} is set; off with {@code headroom.llm.enabled=false}; backs off when the application defines
 * its own {@link LlmRouter}.
 */
@AutoConfiguration(after = HeadroomAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(name = "dev.headroom.llm.LlmRouter")
@ConditionalOnBooleanProperty(name = "headroom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "headroom.llm.enabled", matchIfMissing = true)
@ConditionalOnHeadroomProperties("headroom.llm")
@EnableConfigurationProperties(HeadroomLlmProperties.class)
public class HeadroomLlmAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(HeadroomLlmAutoConfiguration.class);

  /** Creates the auto-configuration (Spring does). */
  public HeadroomLlmAutoConfiguration() {}

  /**
   * The router (its background polls and probes start at once; it closes with the context).
   *
   * @throws dev.headroom.core.ConfigException naming the property when a value is bad
   */
  @Bean
  @ConditionalOnMissingBean
  public LlmRouter headroomLlmRouter(HeadroomLlmProperties properties, ObjectProvider<MeterRegistry> registry,
      ObjectProvider<ResponseCache> cache, ObjectProvider<FleetCoordinator> fleet,
      ObjectProvider<HeadroomLlmCustomizer> customizers, ObjectProvider<ObservationRegistry> observations,
      BeanFactory beanFactory) {
    LlmRouter.Builder builder = LlmRouterFactory.builder(properties, Optional.ofNullable(registry.getIfAvailable()),
        Optional.ofNullable(cache.getIfUnique()), FleetBeans.coordinator(fleet, beanFactory, "headroomLlmRouter"));
    observations.ifUnique(builder::observationRegistry); // Spring Boot's tracing shows which node served
    customizers.orderedStream().forEach(c -> c.customize(properties.name(), builder));
    LlmRouter router = LlmRouterFactory.build(builder);
    LOG.info("headroom.llm: {}", router); // the cloud's API key shows as [redacted]
    return router;
  }

  /** Offers the node pools of every {@link LlmRouter} bean to {@link dev.headroom.spring.HeadroomPools}. */
  @Bean
  @ConditionalOnMissingBean(name = "headroomLlmPoolSource")
  public HeadroomPoolSource headroomLlmPoolSource(ObjectProvider<LlmRouter> routers) {
    return () -> {
      Map<String, Pool> pools = new LinkedHashMap<>();
      routers.orderedStream().forEach(router -> LlmRouterFactory.pools(router, pools));
      return pools;
    };
  }

  /** Keeps the router's local nodes in step with {@code headroom.llm.discovery}; stops before the router closes. */
  @Bean
  public DiscoverySyncs headroomLlmDiscovery(HeadroomLlmProperties properties, LlmRouter router,
      HeadroomDiscovery discovery) {
    int slots = properties.discovery().maxConcurrency();
    return new DiscoverySyncs(discovery.start("headroom.llm.discovery", properties.name(), properties.discovery(),
        router.membership(m -> OllamaNode.of(m.id(), m.uri(), slots))).stream().toList());
  }

}
