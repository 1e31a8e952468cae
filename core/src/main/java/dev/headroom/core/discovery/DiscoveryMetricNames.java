package dev.headroom.core.discovery;

/**
 * The Micrometer meters of a {@link MembershipSync}. In Prometheus: {@code headroom_discovery_changes_total},
 * {@code headroom_discovery_members}, {@code headroom_discovery_errors_total}.
 */
public final class DiscoveryMetricNames {
  /** Counter of membership changes the sync made: tags pool, source, change ({@code added}, ...). */
  public static final String CHANGES = "headroom.discovery.changes";
  /** Gauge of the target's members after the sync's last change, draining ones included: tags pool, source. */
  public static final String MEMBERS = "headroom.discovery.members";
  /** Counter of failed lookups the source reported (the last good set stayed): tags pool, source. */
  public static final String ERRORS = "headroom.discovery.errors";

  /** Tag key: the sync's name (the pool or facade it feeds). */
  public static final String POOL = "pool";
  /** Tag key: the source's {@link DiscoverySource#name()}. */
  public static final String SOURCE = "source";
  /** Tag key of {@link #CHANGES}: {@link #ADDED}, {@link #DRAINING}, {@link #REMOVED} or {@link #RESUMED}. */
  public static final String CHANGE = "change";

  /** {@link #CHANGE}: a member joined. */
  public static final String ADDED = "added";
  /** {@link #CHANGE}: a member went missing or stopped serving, and drains. */
  public static final String DRAINING = "draining";
  /** {@link #CHANGE}: a drained member was removed (its work finished, or the drain timeout passed). */
  public static final String REMOVED = "removed";
  /** {@link #CHANGE}: a draining member came back before its removal. */
  public static final String RESUMED = "resumed";

  private DiscoveryMetricNames() {}
}
