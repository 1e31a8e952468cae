package dev.headroom.spring.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where a pool or module finds its members at run time: {@code headroom.pools.<name>.discovery.*},
 * {@code headroom.llm.discovery.*}, {@code headroom.npu.discovery.*}, {@code headroom.browser.discovery.*},
 * {@code headroom.sql.discovery.*}. At most one source per block.
 *
 * @param dns members from DNS records (needs {@code headroom-discovery})
 * @param kubernetes members from a Kubernetes Service's EndpointSlices (needs {@code headroom-discovery} and
 *     fabric8's {@code kubernetes-client})
 * @param springCloud members from the application's Spring Cloud {@code DiscoveryClient}
 * @param maxConcurrency the slots of each discovered member (an Ollama node's {@code num-parallel}, a browser host's
 *     session cap, a replica's connections)
 * @param drainTimeout how long a member that left may finish its work before it is removed
 */
public record DiscoveryProperties(
    Dns dns,
    Kubernetes kubernetes,
    SpringCloud springCloud,
    @DefaultValue("1") int maxConcurrency,
    @DefaultValue("60s") Duration drainTimeout) {

  /** Whether any source is set. */
  public boolean configured() {
    return !sources().isEmpty();
  }

  /** The property names of the sources that are set ({@code dns}, {@code kubernetes}, {@code spring-cloud}). */
  public List<String> sources() {
    List<String> set = new ArrayList<>();
    if (dns != null && dns.name() != null) {
      set.add("dns");
    }
    if (kubernetes != null && kubernetes.service() != null) {
      set.add("kubernetes");
    }
    if (springCloud != null && springCloud.serviceId() != null) {
      set.add("spring-cloud");
    }
    return set;
  }

  /**
   * DNS: {@code discovery.dns.*}.
   *
   * @param name the name to resolve (a headless Service: {@code ollama.ai.svc.cluster.local}; for SRV records
   *     {@code _http._tcp.ollama.ai.svc.cluster.local})
   * @param records {@code a}, {@code aaaa}, {@code a-and-aaaa} or {@code srv}
   * @param port the members' port for address records (SRV records carry their own)
   * @param scheme the members' URI scheme
   * @param servers resolvers as {@code host:port} (default the system's)
   * @param minRefresh never re-resolve sooner than this, whatever the TTL
   * @param maxRefresh re-resolve at least this often
   * @param emptyIsValid whether an answer without records means zero members (else it keeps the last set)
   */
  public record Dns(
      String name,
      @DefaultValue("a") String records,
      Integer port,
      @DefaultValue("http") String scheme,
      List<String> servers,
      @DefaultValue("1s") Duration minRefresh,
      @DefaultValue("60s") Duration maxRefresh,
      @DefaultValue("false") boolean emptyIsValid) {

    /** Copies the servers; absent becomes empty. */
    public Dns {
      servers = servers == null ? List.of() : List.copyOf(servers);
    }
  }

  /**
   * Kubernetes: {@code discovery.kubernetes.*}. Uses the application's {@code KubernetesClient} bean, or one from
   * the environment (in-cluster service account, {@code ~/.kube/config}).
   *
   * @param service the Service's name
   * @param namespace its namespace (default the client's)
   * @param portName the Service port the members are reached on (needed when it has more than one)
   * @param scheme the members' URI scheme
   */
  public record Kubernetes(String service, String namespace, String portName, @DefaultValue("http") String scheme) {}

  /**
   * Spring Cloud: {@code discovery.spring-cloud.*}, through the application's {@code DiscoveryClient} bean.
   *
   * @param serviceId the service id to ask it for
   * @param refresh how often to ask
   */
  public record SpringCloud(String serviceId, @DefaultValue("30s") Duration refresh) {}
}
