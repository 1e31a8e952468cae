package dev.headroom.spring.cache;

import dev.headroom.llm.ResponseCache;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.JacksonCodec;
import dev.headroom.spring.ConditionalOnHeadroomProperties;
import dev.headroom.spring.HeadroomAutoConfiguration;
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
import org.springframework.context.annotation.Configuration;

/**
 * A {@link CacheCluster} from {@code headroom.cache.*} ({@link HeadroomCacheProperties}), on the application's
 * {@link MeterRegistry} when there is one and adjusted by every {@link HeadroomCacheCustomizer}; the namespaces of
 * {@code headroom.cache.namespaces} through {@link HeadroomCaches}; and, with
 * {@code headroom.cache.llm-responses.enabled}, a {@link RedisResponseCache} that the LLM router of
 * {@code headroom.llm} uses for deterministic requests. The cluster starts even when Redis is down (L1 and loaders
 * serve meanwhile) and closes with the context, after the caches. Created only when the module is on the classpath
 * and something under {@code headroom.cache} is set; off with {@code headroom.cache.enabled=false}; each bean backs
 * off when the application defines its own (its own {@link CacheCluster} then carries the configured namespaces).
 */
@AutoConfiguration(after = HeadroomAutoConfiguration.class,
    beforeName = "dev.headroom.spring.llm.HeadroomLlmAutoConfiguration",
    afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(name = "dev.headroom.redis.CacheCluster")
@ConditionalOnBooleanProperty(name = "headroom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "headroom.cache.enabled", matchIfMissing = true)
@ConditionalOnHeadroomProperties("headroom.cache")
@EnableConfigurationProperties(HeadroomCacheProperties.class)
public class HeadroomCacheAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(HeadroomCacheAutoConfiguration.class);

  /** Creates the auto-configuration (Spring does). */
  public HeadroomCacheAutoConfiguration() {}

  /**
   * The cluster connection (waits briefly for the first probe; never fails for a down Redis).
   *
   * @throws dev.headroom.core.ConfigException naming the property when a value is bad, before anything connects
   */
  @Bean
  @ConditionalOnMissingBean
  public CacheCluster headroomCacheCluster(HeadroomCacheProperties properties, ObjectProvider<MeterRegistry> registry,
      ObjectProvider<HeadroomCacheCustomizer> customizers) {
    CacheCluster.Builder builder = CacheClusterFactory.builder(properties,
        Optional.ofNullable(registry.getIfAvailable()));
    customizers.orderedStream().forEach(c -> c.customize(properties.name(), builder));
    CacheCluster cluster = CacheClusterFactory.build(builder);
    LOG.info("headroom.cache: {}, namespaces {}", cluster, properties.namespaces().keySet()); // no password
    return cluster;
  }

  /** The namespaces of {@code headroom.cache.namespaces} on the cluster (their caches close with the context). */
  @Bean
  @ConditionalOnMissingBean
  public HeadroomCaches headroomCaches(HeadroomCacheProperties properties, CacheCluster cluster) {
    return new HeadroomCaches(cluster, CacheClusterFactory.namespaces(properties));
  }

  /** The LLM router's response cache on Redis, when the LLM router module is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.headroom.llm.ResponseCache")
  @ConditionalOnBooleanProperty("headroom.cache.llm-responses.enabled")
  static class LlmResponses {
    /** Answers to deterministic requests in the namespace {@value RedisResponseCache#NAMESPACE}. */
    @Bean(destroyMethod = "") // its tiered cache is closed by HeadroomCaches
    @ConditionalOnMissingBean(ResponseCache.class)
    RedisResponseCache headroomLlmResponseCache(HeadroomCaches caches) {
      return RedisResponseCache.over(caches.cache(RedisResponseCache.NAMESPACE, JacksonCodec.of(String.class, 1)));
    }
  }
}
