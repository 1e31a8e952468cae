package dev.headroom.spring.cloud;

import dev.headroom.core.Deadline;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.Pool;
import dev.headroom.core.Selector;
import java.time.Duration;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud's load balancer for one service id, backed by the Headroom pool of the same name: each choice is a
 * lease from the pool (least-loaded picking, admission, the pool's queue for up to {@code acquireTimeout}), handed to
 * Spring Cloud as a {@link LeasedServiceInstance}. No endpoint in time: Spring Cloud's empty response (its
 * "no instances available" error).
 */
final class HeadroomServiceInstanceLoadBalancer implements ReactorServiceInstanceLoadBalancer {
  private final String serviceId;
  private final Pool pool;
  private final Duration acquireTimeout;

  HeadroomServiceInstanceLoadBalancer(String serviceId, Pool pool, Duration acquireTimeout) {
    this.serviceId = serviceId;
    this.pool = pool;
    this.acquireTimeout = acquireTimeout;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Mono<Response<ServiceInstance>> choose(Request request) {
    return Mono.fromFuture(() -> pool.acquireAsync(Selector.any(), Deadline.after(acquireTimeout, pool.ticker())))
        .<Response<ServiceInstance>>map(lease -> new DefaultResponse(new LeasedServiceInstance(serviceId, lease)))
        .onErrorResume(NoCapacityException.class, e -> Mono.just(new EmptyResponse()));
  }

  @Override
  public String toString() {
    return "HeadroomServiceInstanceLoadBalancer{" + serviceId + '}';
  }
}
