package dev.headroom.core.discovery;

import dev.headroom.core.Checks;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A fixed list of members, reported once when the sync starts: what a facade's builder lists, as a
 * {@link DiscoverySource}. Never fails, never changes.
 */
public final class StaticDiscovery implements DiscoverySource {
  private final List<DiscoveredMember> members;

  private StaticDiscovery(List<DiscoveredMember> members) {
    this.members = members;
  }

  /**
   * These members (ids unique).
   *
   * @throws dev.headroom.core.ConfigException when an id repeats
   */
  public static StaticDiscovery of(List<DiscoveredMember> members) {
    List<DiscoveredMember> copy = List.copyOf(members);
    Set<String> ids = new HashSet<>();
    for (DiscoveredMember member : copy) {
      if (!ids.add(member.id())) {
        throw Checks.in("static discovery").invalid("member id", member.id(), "must be unique");
      }
    }
    return new StaticDiscovery(copy);
  }

  /** These members (ids unique). */
  public static StaticDiscovery of(DiscoveredMember... members) {
    return of(List.of(members));
  }

  /** The members it reports. */
  public List<DiscoveredMember> members() {
    return members;
  }

  /** {@code static}. */
  @Override
  public String name() {
    return "static";
  }

  /** Reports the members once, on the calling thread. */
  @Override
  public void start(Listener listener) {
    listener.onMembers(members);
  }

  /** Nothing to stop. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "StaticDiscovery" + members.stream().map(DiscoveredMember::id).toList();
  }
}
