package dev.headroom.spring.discovery;

import dev.headroom.core.discovery.DiscoverySource;
import dev.headroom.spring.PropertyErrors;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/** Builds a {@link SpringCloudDiscovery} from {@code discovery.spring-cloud.*}; loaded only with Spring Cloud. */
final class SpringCloudSources {
  private SpringCloudSources() {}

  static DiscoverySource source(String at, DiscoveryProperties.SpringCloud p, BeanFactory beans) {
    DiscoveryClient client = beans.getBeanProvider(DiscoveryClient.class).getIfAvailable();
    if (client == null) {
      throw PropertyErrors.invalid(at + ".service-id", p.serviceId(),
          "needs a DiscoveryClient bean (spring-cloud-commons with a discovery implementation)");
    }
    if (p.serviceId().isBlank()) {
      throw PropertyErrors.invalid(at + ".service-id", "''", "must not be blank");
    }
    if (p.refresh().isZero() || p.refresh().isNegative()) {
      throw PropertyErrors.invalid(at + ".refresh", p.refresh(), "must be positive");
    }
    return new SpringCloudDiscovery(client, p.serviceId(), p.refresh());
  }
}
