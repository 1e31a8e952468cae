package dev.headroom.core.discovery;

import java.util.List;

/**
 * Where a facade learns its members at run time: a static list, DNS (A/AAAA or SRV records re-resolved on their
 * TTL), Kubernetes EndpointSlices, Spring Cloud's {@code DiscoveryClient}. A source reports the whole current set
 * each time it changes; {@link MembershipSync} turns the differences into adds, drains and removals.
 *
 * <p>A source never reports an empty set because a lookup failed: it reports the error ({@link Listener#onError})
 * and keeps the last good set. An empty set is reported only when the source positively says there are none.
 */
public interface DiscoverySource extends AutoCloseable {

  /** A short name for metrics and logs ({@code dns}, {@code kubernetes}, {@code static}, ...). */
  String name();

  /**
   * Starts watching: {@code listener} gets the current set once (as soon as it is known) and again whenever it
   * changes. Called once.
   */
  void start(Listener listener);

  /** Stops watching. */
  @Override
  void close();

  /** Receives what a source sees. Called from the source's own thread; keep it short. */
  interface Listener {
    /** The whole current set of members. */
    void onMembers(List<DiscoveredMember> members);

    /** A lookup failed; the last good set still stands. */
    void onError(Throwable error);
  }
}
