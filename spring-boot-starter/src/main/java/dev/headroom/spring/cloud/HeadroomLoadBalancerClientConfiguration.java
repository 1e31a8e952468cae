package dev.headroom.spring.cloud;

import dev.headroom.core.Pool;
import dev.headroom.spring.HeadroomPools;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The load balancer of each Spring Cloud client (a service id): the Headroom pool of that name when there is one,
 * Spring Cloud's round robin over its discovery otherwise. Used through {@code @LoadBalancerClients}; not scanned.
 */
@Configuration(proxyBeanMethods = false)
public class HeadroomLoadBalancerClientConfiguration {

  /** Created by Spring Cloud in each client's context. */
  public HeadroomLoadBalancerClientConfiguration() {}

  /** The client's load balancer. */
  @Bean
  public ReactorLoadBalancer<ServiceInstance> reactorServiceInstanceLoadBalancer(Environment environment,
      LoadBalancerClientFactory clients, ObjectProvider<HeadroomPools> pools) {
    String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
    Duration acquireTimeout = environment.getProperty("headroom.load-balancer.acquire-timeout", Duration.class,
        Duration.ofSeconds(10));
    Optional<Pool> pool = Optional.ofNullable(pools.getIfAvailable()).flatMap(all -> all.find(serviceId));
    if (pool.isPresent()) {
      return new HeadroomServiceInstanceLoadBalancer(serviceId, pool.get(), acquireTimeout);
    }
    return new RoundRobinLoadBalancer(clients.getLazyProvider(serviceId, ServiceInstanceListSupplier.class),
        serviceId);
  }
}
