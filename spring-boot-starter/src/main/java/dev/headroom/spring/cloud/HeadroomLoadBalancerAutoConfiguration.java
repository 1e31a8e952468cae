package dev.headroom.spring.cloud;

import dev.headroom.spring.HeadroomAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Bean;

/**
 * Spring Cloud LoadBalancer on Headroom's pools: a {@code @LoadBalanced RestClient.Builder} (or {@code WebClient},
 * {@code RestTemplate}) calling {@code http://<pool>/...} goes through the Headroom pool of that name (its picking,
 * admission and queue), and each reply's outcome goes back to the pool. Service ids without a Headroom pool keep
 * Spring Cloud's round robin. Retries are Headroom's business: leave Spring Cloud's load-balancer retry off. On when
 * {@code spring-cloud-loadbalancer} is on the classpath; {@code headroom.load-balancer.enabled=false} turns it off.
 */
@AutoConfiguration(after = HeadroomAutoConfiguration.class,
    beforeName = "org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer")
@ConditionalOnBooleanProperty(name = "headroom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "headroom.load-balancer.enabled", matchIfMissing = true)
@LoadBalancerClients(defaultConfiguration = HeadroomLoadBalancerClientConfiguration.class)
public class HeadroomLoadBalancerAutoConfiguration {

  /** Creates the auto-configuration (Spring does). */
  public HeadroomLoadBalancerAutoConfiguration() {}

  /** Completes each load-balanced request's Headroom lease with its outcome. */
  @Bean
  @ConditionalOnMissingBean
  HeadroomLoadBalancerLifecycle headroomLoadBalancerLifecycle() {
    return new HeadroomLoadBalancerLifecycle();
  }
}
