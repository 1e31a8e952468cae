package dev.headroom.discovery;

import dev.headroom.core.discovery.DiscoveredMember;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The members that a Service's EndpointSlices describe, as {@link KubernetesDiscovery} reports them.
 *
 * <ul>
 *   <li>One member per endpoint, at its first address (Kubernetes: the addresses of one endpoint are fungible) and
 *       the slice's port named {@code portName} (with no port name: the slice's only port). A slice without that
 *       port, or whose port is unset, gives no members.
 *   <li>Conditions (unset {@code ready} / {@code serving} read as true, unset {@code terminating} as false, as the
 *       API says): terminating → a member that is not serving (it is drained); ready and not terminating → a
 *       serving member; not ready and not terminating → not a member (not ready yet, or failing its readiness
 *       probe).
 *   <li>Id: the pod's name ({@code targetRef.name}) when the endpoint has one, else {@code ip:port}. If two slices
 *       hold the same id (one pod in an IPv4 and an IPv6 slice, or moving between slices), a serving entry wins
 *       over a draining one, then IPv4 over IPv6 over FQDN, then the slice name's order.
 *   <li>Labels: {@code zone}, {@code node} and {@code hostname} where the endpoint has them.
 * </ul>
 */
final class EndpointSliceMembers {
  private static final List<String> ADDRESS_TYPES = List.of("IPv4", "IPv6", "FQDN");

  private EndpointSliceMembers() {}

  static List<DiscoveredMember> of(Collection<EndpointSlice> slices, String portName, String scheme) {
    Map<String, DiscoveredMember> members = new HashMap<>();
    slices.stream().sorted(Comparator.comparingInt(EndpointSliceMembers::addressTypeRank)
            .thenComparing(slice -> Objects.toString(slice.getMetadata().getName(), "")))
        .forEach(slice -> {
          Integer port = port(slice, portName);
          if (port == null || slice.getEndpoints() == null) {
            return;
          }
          for (Endpoint endpoint : slice.getEndpoints()) {
            DiscoveredMember member = member(endpoint, port, scheme);
            if (member != null) {
              members.merge(member.id(), member, (kept, other) -> !kept.serving() && other.serving() ? other : kept);
            }
          }
        });
    return members.values().stream().sorted(Comparator.comparing(DiscoveredMember::id)).toList();
  }

  private static DiscoveredMember member(Endpoint endpoint, int port, String scheme) {
    if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
      return null;
    }
    EndpointConditions conditions = endpoint.getConditions();
    boolean ready = conditions == null || !Boolean.FALSE.equals(conditions.getReady());
    boolean terminating = conditions != null && Boolean.TRUE.equals(conditions.getTerminating());
    if (!ready && !terminating) {
      return null;
    }
    String address = endpoint.getAddresses().get(0);
    String pod = endpoint.getTargetRef() == null ? null : endpoint.getTargetRef().getName();
    String id = pod == null || pod.isEmpty() ? Addresses.hostPort(address, port) : pod;
    Map<String, String> labels = new HashMap<>();
    putIfSet(labels, "zone", endpoint.getZone());
    putIfSet(labels, "node", endpoint.getNodeName());
    putIfSet(labels, "hostname", endpoint.getHostname());
    return new DiscoveredMember(id, Addresses.uri(scheme, address, port), labels, !terminating);
  }

  private static Integer port(EndpointSlice slice, String portName) {
    List<EndpointPort> ports = slice.getPorts();
    if (ports == null || ports.isEmpty()) {
      return null;
    }
    if (portName == null) {
      return ports.size() == 1 ? ports.get(0).getPort() : null;
    }
    return ports.stream().filter(p -> portName.equals(p.getName())).map(EndpointPort::getPort)
        .filter(Objects::nonNull).findFirst().orElse(null);
  }

  private static int addressTypeRank(EndpointSlice slice) {
    int rank = ADDRESS_TYPES.indexOf(slice.getAddressType());
    return rank < 0 ? ADDRESS_TYPES.size() : rank;
  }

  private static void putIfSet(Map<String, String> labels, String key, String value) {
    if (value != null && !value.isEmpty()) {
      labels.put(key, value);
    }
  }
}
