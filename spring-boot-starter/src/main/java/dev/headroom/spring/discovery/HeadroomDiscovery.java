package dev.headroom.spring.discovery;

import dev.headroom.core.discovery.DiscoverySource;
import dev.headroom.core.discovery.MembershipSync;
import dev.headroom.core.discovery.MembershipTarget;
import dev.headroom.spring.PropertyErrors;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Starts the {@link MembershipSync}s of the {@code discovery} blocks ({@link DiscoveryProperties}): builds each
 * block's source (DNS, Kubernetes, Spring Cloud) and keeps its facade in step with it. Each facade's syncs are a
 * {@link DiscoverySyncs} bean that depends on the facade, so they stop before it closes; this bean closes last, with
 * the Kubernetes client it created (never the application's own).
 */
public final class HeadroomDiscovery implements AutoCloseable {
  private final BeanFactory beans;
  private final Optional<MeterRegistry> registry;
  private final List<AutoCloseable> owned = new ArrayList<>();

  /** Discovery that finds the application's {@code DiscoveryClient} and {@code KubernetesClient} in {@code beans}. */
  public HeadroomDiscovery(BeanFactory beans, Optional<MeterRegistry> registry) {
    this.beans = beans;
    this.registry = registry;
  }

  /**
   * Checks a block without starting it: at most one source, and the library it needs on the classpath.
   *
   * @param at the block's property path, e.g. {@code headroom.pools.ollama.discovery}
   * @throws dev.headroom.core.ConfigException naming the property at fault
   */
  public static void check(String at, DiscoveryProperties p) {
    List<String> sources = p.sources();
    if (sources.size() > 1) {
      throw PropertyErrors.invalid(at, sources, "must set one source, not " + String.join(" and ", sources));
    }
    if (p.maxConcurrency() < 1) {
      throw PropertyErrors.invalid(at + ".max-concurrency", p.maxConcurrency(), "must be >= 1");
    }
    if (p.drainTimeout().isNegative()) {
      throw PropertyErrors.invalid(at + ".drain-timeout", p.drainTimeout(), "must be >= 0");
    }
    if ((sources.contains("dns") || sources.contains("kubernetes")) && !present("dev.headroom.discovery.DnsDiscovery")) {
      String which = sources.get(0);
      throw PropertyErrors.invalid(at + "." + which, "set", "needs dev.headroom:headroom-discovery on the classpath");
    }
    if (sources.contains("kubernetes") && !present("io.fabric8.kubernetes.client.KubernetesClient")) {
      throw PropertyErrors.invalid(at + ".kubernetes.service", p.kubernetes().service(),
          "needs io.fabric8:kubernetes-client on the classpath");
    }
    if (sources.contains("spring-cloud")
        && !present("org.springframework.cloud.client.discovery.DiscoveryClient")) {
      throw PropertyErrors.invalid(at + ".spring-cloud.service-id", p.springCloud().serviceId(),
          "needs org.springframework.cloud:spring-cloud-commons and a DiscoveryClient");
    }
  }

  /**
   * Starts keeping {@code target} in step with the block's source.
   *
   * @param at the block's property path, named by errors
   * @param name the sync's name, a metric tag (the pool's or module's name)
   * @return the started sync, or empty when the block sets no source
   */
  public synchronized Optional<MembershipSync> start(String at, String name, DiscoveryProperties p,
      MembershipTarget target) {
    check(at, p);
    if (!p.configured()) {
      return Optional.empty();
    }
    DiscoverySource source = switch (p.sources().get(0)) {
      case "dns" -> DnsSources.source(at + ".dns", p.dns());
      case "kubernetes" -> KubernetesSources.source(at + ".kubernetes", p.kubernetes(), beans, owned);
      default -> SpringCloudSources.source(at + ".spring-cloud", p.springCloud(), beans);
    };
    MembershipSync.Builder sync = MembershipSync.builder(source, target).name(name).drainTimeout(p.drainTimeout());
    registry.ifPresent(sync::meterRegistry);
    return Optional.of(sync.start());
  }

  private static boolean present(String className) {
    return ClassUtils.isPresent(className, HeadroomDiscovery.class.getClassLoader());
  }

  /** Closes the Kubernetes client this bean created, if any. */
  @Override
  public synchronized void close() {
    for (AutoCloseable closeable : owned) {
      try {
        closeable.close();
      } catch (Exception e) {
        // closing: nothing left to do with it
      }
    }
    owned.clear();
  }

  @Override
  public String toString() {
    return "HeadroomDiscovery";
  }
}
