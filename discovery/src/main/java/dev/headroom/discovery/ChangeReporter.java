package dev.headroom.discovery;

import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.DiscoverySource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener side of a source: passes a set on only when it differs from the last one passed on (the first one
 * always), passes errors on, and never lets a listener's exception reach the source's thread (it is logged).
 */
final class ChangeReporter {
  private static final Logger log = LoggerFactory.getLogger(ChangeReporter.class);

  private final String source;
  private final DiscoverySource.Listener listener;
  private List<DiscoveredMember> last;

  ChangeReporter(String source, DiscoverySource.Listener listener) {
    this.source = source;
    this.listener = listener;
  }

  /** Passes {@code members} on if it differs from the last set passed on. */
  synchronized void members(List<DiscoveredMember> members) {
    if (members.equals(last)) {
      return;
    }
    last = members;
    try {
      listener.onMembers(members);
    } catch (RuntimeException e) {
      log.warn("{}: the listener failed on a new set of {} members", source, members.size(), e);
    }
  }

  /** Passes a lookup failure on. */
  void error(Throwable error) {
    log.debug("{}: lookup failed, the last good set stands: {}", source, error.toString());
    try {
      listener.onError(error);
    } catch (RuntimeException e) {
      log.warn("{}: the listener failed on an error", source, e);
    }
  }
}
