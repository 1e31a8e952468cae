package dev.headroom.core.discovery;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One member of a fleet as a {@link DiscoverySource} sees it: a node, host, worker or replica.
 *
 * @param id a stable id (for DNS and Kubernetes: {@code host:port} or the pod name); the same member always has it
 * @param uri where to reach it
 * @param labels extra facts from the source (zone, node name, SRV weight, ...); may be empty
 * @param serving false when the source says it is going away (a Kubernetes endpoint that is terminating, not
 *     ready): it gets no new work and is drained; true for a member that should get work
 */
public record DiscoveredMember(String id, URI uri, Map<String, String> labels, boolean serving) {
  /** Checks and copies. */
  public DiscoveredMember {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(uri, "uri");
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
  }

  /** A serving member without labels. */
  public static DiscoveredMember of(String id, URI uri) {
    return new DiscoveredMember(id, uri, Map.of(), true);
  }
}
