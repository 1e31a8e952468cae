package dev.headroom.core.discovery;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A facade whose members can change at run time (a core {@code Pool}, {@code LlmRouter}, {@code BrowserPool},
 * {@code EmbeddingPool}, {@code ReplicaRoutingDataSource}), as {@link MembershipSync} drives it.
 */
public interface MembershipTarget {

  /** The ids of the current members, draining ones included. */
  Set<String> memberIds();

  /** Adds a member; it gets work once it is ready (probed, warmed up). Adding an existing id does nothing. */
  void add(DiscoveredMember member);

  /**
   * Drains a member: no new work; the returned future completes when its in-flight work has finished.
   * Unknown ids complete at once.
   */
  CompletableFuture<Void> drain(String id);

  /** Makes a draining member eligible again (it came back before it was removed). */
  void resume(String id);

  /** Removes a member and closes what the facade holds for it (connections, a local browser, ...). */
  void remove(String id);
}
