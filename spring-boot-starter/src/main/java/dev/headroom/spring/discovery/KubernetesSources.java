package dev.headroom.spring.discovery;

import dev.headroom.core.discovery.DiscoverySource;
import dev.headroom.discovery.KubernetesDiscovery;
import dev.headroom.spring.PropertyErrors;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import org.springframework.beans.factory.BeanFactory;

/**
 * Builds a {@link KubernetesDiscovery} from {@code discovery.kubernetes.*} with the application's
 * {@link KubernetesClient} bean, or one from the environment that {@code owned} then closes; loaded only when fabric8
 * is present.
 */
final class KubernetesSources {
  private KubernetesSources() {}

  static DiscoverySource source(String at, DiscoveryProperties.Kubernetes p, BeanFactory beans,
      List<AutoCloseable> owned) {
    KubernetesClient client = beans.getBeanProvider(KubernetesClient.class).getIfAvailable(() -> {
      KubernetesClient created = new KubernetesClientBuilder().build();
      owned.add(created);
      return created;
    });
    return PropertyErrors.at(at, () -> KubernetesDiscovery.builder().client(client).service(p.service())
        .namespace(p.namespace()).portName(p.portName()).scheme(p.scheme()).build());
  }
}
