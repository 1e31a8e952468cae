package dev.headroom.spring.discovery;

import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.DiscoverySource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Members from Spring Cloud's {@link DiscoveryClient} (Kubernetes, Consul, Eureka, or the simple one of the
 * application's properties): the instances of one service id, asked for on a fixed interval.
 *
 * <p>Each {@link ServiceInstance} is a member with the instance id (or {@code host:port} when it has none), its URI
 * and its metadata as labels. A call that throws is reported as an error and the last set stands; the set is reported
 * only when it changed. One daemon thread per source.
 */
public final class SpringCloudDiscovery implements DiscoverySource {
  private final DiscoveryClient client;
  private final String serviceId;
  private final Duration refresh;
  private final ScheduledExecutorService thread;
  private List<DiscoveredMember> last;

  /**
   * A source of {@code serviceId}'s instances, asked for every {@code refresh}.
   *
   * @throws IllegalArgumentException when {@code serviceId} is blank or {@code refresh} is not positive
   */
  public SpringCloudDiscovery(DiscoveryClient client, String serviceId, Duration refresh) {
    this.client = Objects.requireNonNull(client, "client");
    this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
    if (serviceId.isBlank()) {
      throw new IllegalArgumentException("serviceId must not be blank");
    }
    if (refresh.isZero() || refresh.isNegative()) {
      throw new IllegalArgumentException("refresh must be positive but was " + refresh);
    }
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "headroom-spring-cloud-" + serviceId);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public String name() {
    return "spring-cloud";
  }

  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    thread.scheduleWithFixedDelay(() -> poll(listener), 0, refresh.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void poll(Listener listener) {
    List<DiscoveredMember> now;
    try {
      now = members(client.getInstances(serviceId));
    } catch (RuntimeException e) {
      listener.onError(e);
      return;
    }
    if (!now.equals(last)) {
      last = now;
      listener.onMembers(now);
    }
  }

  static List<DiscoveredMember> members(List<ServiceInstance> instances) {
    Map<String, DiscoveredMember> byId = new LinkedHashMap<>();
    for (ServiceInstance instance : instances) {
      String id = instance.getInstanceId() != null && !instance.getInstanceId().isBlank() ? instance.getInstanceId()
          : instance.getHost() + ":" + instance.getPort();
      Map<String, String> labels = instance.getMetadata() == null ? Map.of() : instance.getMetadata();
      byId.put(id, new DiscoveredMember(id, instance.getUri(), labels, true));
    }
    return new ArrayList<>(byId.values());
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  @Override
  public String toString() {
    return "SpringCloudDiscovery{" + serviceId + ", every " + refresh + '}';
  }
}
