package dev.headroom.spring.discovery;

import dev.headroom.core.discovery.MembershipSync;
import java.util.List;

/**
 * The running {@link MembershipSync}s of one facade (the configured pools, the LLM router, the browser pool, the
 * embedding pool or the routing DataSource). A bean that depends on its facade, so that Spring stops the syncs
 * before it closes the facade.
 */
public final class DiscoverySyncs implements AutoCloseable {
  private final List<MembershipSync> syncs;

  /** Holds {@code syncs}. */
  public DiscoverySyncs(List<MembershipSync> syncs) {
    this.syncs = List.copyOf(syncs);
  }

  /** The syncs, in the order they started. */
  public List<MembershipSync> syncs() {
    return syncs;
  }

  /** Stops every sync (their sources stop; the members stay as they are). */
  @Override
  public void close() {
    syncs.forEach(MembershipSync::close);
  }

  @Override
  public String toString() {
    return "DiscoverySyncs" + syncs;
  }
}
