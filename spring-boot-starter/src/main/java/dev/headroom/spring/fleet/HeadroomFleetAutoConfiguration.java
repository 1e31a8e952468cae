package dev.headroom.spring.fleet;

import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.fleet.RedisFleet;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * A {@link RedisFleet} from {@code headroom.fleet.*} ({@link HeadroomFleetProperties}), on the application's
 * {@link MeterRegistry} when there is one (gauges {@code headroom.fleet.replicas} and {@code headroom.fleet.degraded})
 * and adjusted by every {@link HeadroomFleetCustomizer}. Every pool, LLM router, browser pool and embedding pool the
 * starter builds joins it (see {@link dev.headroom.spring.FleetBeans}); they are closed before it, so they leave the
 * fleet and give their permits back first. It starts even when Redis is down (decisions are then local, caps divided
 * by the last known replica count) and never fails a request because coordination is down.
 *
 * <p>Off unless configured: created when the module ({@code headroom-redis-cluster}) is on the classpath and
 * {@code headroom.fleet.seeds} or {@code headroom.fleet.use-cache-cluster} is set; off with
 * {@code headroom.fleet.enabled=false} or {@code headroom.enabled=false}; backs off when the application defines its
 * own {@link FleetCoordinator}, which the starter's pools and facades then join instead.
 */
@AutoConfiguration(afterName = {
    "dev.headroom.spring.cache.HeadroomCacheAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(name = "dev.headroom.redis.fleet.RedisFleet")
@ConditionalOnBooleanProperty(name = "headroom.enabled", matchIfMissing = true)
@Conditional(OnFleetConfiguredCondition.class)
@EnableConfigurationProperties(HeadroomFleetProperties.class)
public class HeadroomFleetAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(HeadroomFleetAutoConfiguration.class);

  /** Creates the auto-configuration (Spring does). */
  public HeadroomFleetAutoConfiguration() {}

  /**
   * The coordinator: connected and its first round run, or degraded when Redis does not answer within about the
   * connect timeout (closed with the context, after the beans that use it).
   *
   * @throws dev.headroom.core.ConfigException naming the property when a value is bad, before anything connects
   */
  @Bean
  @ConditionalOnMissingBean(FleetCoordinator.class)
  public RedisFleet headroomFleet(HeadroomFleetProperties properties, ObjectProvider<CacheCluster> cache,
      ObjectProvider<MeterRegistry> registry, ObjectProvider<HeadroomFleetCustomizer> customizers,
      Environment environment) {
    RedisFleet.Builder builder = FleetFactory.builder(properties,
        properties.useCacheCluster() ? Optional.ofNullable(cache.getIfAvailable()) : Optional.empty(),
        Optional.ofNullable(registry.getIfAvailable()), environment.getProperty("HOSTNAME"));
    customizers.orderedStream().forEach(c -> c.customize(builder));
    RedisFleet fleet = FleetFactory.build(builder);
    LOG.info("headroom.fleet: {}", fleet); // seeds without credentials
    return fleet;
  }
}
