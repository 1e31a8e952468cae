package dev.headroom.spring.npu;

import dev.headroom.core.Pool;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.RemoteWorkerBackend;
import dev.headroom.spring.ConditionalOnHeadroomProperties;
import dev.headroom.spring.FleetBeans;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomPoolSource;
import dev.headroom.spring.discovery.DiscoverySyncs;
import dev.headroom.spring.discovery.HeadroomDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
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
 * An {@link EmbeddingPool} from {@code headroom.npu.*} ({@link HeadroomNpuProperties}), on the application's
 * {@link MeterRegistry} and {@link FleetCoordinator} (each worker's max-concurrency then counts every replica's
 * calls) when there are, adjusted by every {@link HeadroomNpuCustomizer}. Its core pools join
 * {@link dev.headroom.spring.HeadroomPools} (a {@link HeadroomPoolSource}): they show in the {@code headroom} health
 * component and drain when the context stops; then the pool is closed, which ends its threads and releases the
 * native sessions of its local backend. Created only when the module is on the classpath and something under
 * {@code headroom.npu} is set; off with {@code headroom.npu.enabled=false}; backs off when the application defines
 * its own {@link EmbeddingPool}.
 */
@AutoConfiguration(after = HeadroomAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(name = "dev.headroom.npu.EmbeddingPool")
@ConditionalOnBooleanProperty(name = "headroom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "headroom.npu.enabled", matchIfMissing = true)
@ConditionalOnHeadroomProperties("headroom.npu")
@EnableConfigurationProperties(HeadroomNpuProperties.class)
public class HeadroomNpuAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(HeadroomNpuAutoConfiguration.class);

  /** Creates the auto-configuration (Spring does). */
  public HeadroomNpuAutoConfiguration() {}

  /**
   * The pool, its local model loaded (closed with the context).
   *
   * @throws dev.headroom.core.ConfigException naming the property when a value is bad, before the model loads
   */
  @Bean
  @ConditionalOnMissingBean
  public EmbeddingPool headroomEmbeddingPool(HeadroomNpuProperties properties, ObjectProvider<MeterRegistry> registry,
      ObjectProvider<FleetCoordinator> fleet, ObjectProvider<HeadroomNpuCustomizer> customizers,
      BeanFactory beanFactory) {
    EmbeddingPoolFactory.Prepared prepared = EmbeddingPoolFactory.prepare(properties,
        Optional.ofNullable(registry.getIfAvailable()),
        FleetBeans.coordinator(fleet, beanFactory, "headroomEmbeddingPool"));
    try {
      customizers.orderedStream().forEach(c -> c.customize(properties.name(), prepared.builder()));
    } catch (RuntimeException e) {
      prepared.discard(); // releases the native sessions
      throw e;
    }
    EmbeddingPool pool = EmbeddingPoolFactory.build(prepared);
    LOG.info("headroom.npu: {} on {}", pool, pool.backends()); // the cloud's key shows as ****
    return pool;
  }

  /** Offers the core pools of every {@link EmbeddingPool} bean to {@link dev.headroom.spring.HeadroomPools}. */
  @Bean
  @ConditionalOnMissingBean(name = "headroomNpuPoolSource")
  public HeadroomPoolSource headroomNpuPoolSource(ObjectProvider<EmbeddingPool> pools) {
    return () -> {
      Map<String, Pool> all = new LinkedHashMap<>();
      pools.orderedStream().forEach(pool -> EmbeddingPoolFactory.pools(pool, all));
      return all;
    };
  }

  /** Keeps the remote workers of {@code headroom.npu.discovery} in the pool; stops before the pool closes. */
  @Bean
  public DiscoverySyncs headroomNpuDiscovery(HeadroomNpuProperties properties, EmbeddingPool pool,
      HeadroomDiscovery discovery) {
    int slots = properties.discovery().maxConcurrency();
    return new DiscoverySyncs(discovery.start("headroom.npu.discovery", properties.name(), properties.discovery(),
        pool.membership(m -> RemoteWorkerBackend.builder(m.id(), m.uri()).maxConcurrency(slots).build()))
        .stream().toList());
  }

}
