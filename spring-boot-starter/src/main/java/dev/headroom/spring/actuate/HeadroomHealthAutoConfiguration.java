package dev.headroom.spring.actuate;

import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomPools;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * When Spring Boot's health module is present: a {@code headroom} health component with one
 * {@link PoolHealthIndicator} per pool ({@code /actuator/health/headroom/ollama}). Off with
 * {@code management.health.headroom.enabled=false}.
 */
@AutoConfiguration(after = HeadroomAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, HeadroomPools.class})
@ConditionalOnBean(HeadroomPools.class)
@ConditionalOnEnabledHealthIndicator("headroom")
public class HeadroomHealthAutoConfiguration {

  /** Creates the auto-configuration (Spring does). */
  public HeadroomHealthAutoConfiguration() {}

  /** The {@code headroom} health component: one indicator per pool. */
  @Bean
  @ConditionalOnMissingBean(name = "headroomHealthContributor")
  public HealthContributor headroomHealthContributor(HeadroomPools pools) {
    if (pools.names().isEmpty()) {
      return (HealthIndicator) () -> Health.up().withDetail("pools", 0).build();
    }
    return CompositeHealthContributor.fromMap(pools.asMap(), PoolHealthIndicator::new);
  }
}
