package dev.headroom.spring.cloud;

import dev.headroom.core.Lease;
import java.net.URI;
import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The endpoint a Headroom pool leased for one load-balanced request, as Spring Cloud sees it; it carries the lease,
 * which {@link HeadroomLoadBalancerLifecycle} completes with the request's outcome.
 */
final class LeasedServiceInstance implements ServiceInstance {
  private final String serviceId;
  private final Lease lease;

  LeasedServiceInstance(String serviceId, Lease lease) {
    this.serviceId = serviceId;
    this.lease = lease;
  }

  Lease lease() {
    return lease;
  }

  @Override
  public String getInstanceId() {
    return lease.endpoint().id();
  }

  @Override
  public String getServiceId() {
    return serviceId;
  }

  @Override
  public String getHost() {
    return lease.endpoint().uri().getHost();
  }

  @Override
  public int getPort() {
    URI uri = lease.endpoint().uri();
    return uri.getPort() >= 0 ? uri.getPort() : isSecure() ? 443 : 80;
  }

  @Override
  public boolean isSecure() {
    return "https".equalsIgnoreCase(lease.endpoint().uri().getScheme());
  }

  @Override
  public URI getUri() {
    return lease.endpoint().uri();
  }

  @Override
  public String getScheme() {
    return lease.endpoint().uri().getScheme();
  }

  @Override
  public Map<String, String> getMetadata() {
    return lease.endpoint().labels();
  }

  @Override
  public String toString() {
    return "LeasedServiceInstance{" + serviceId + "/" + getInstanceId() + '}';
  }
}
