package dev.headroom.discovery;

import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.DiscoverySource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Keeps every set and error a source reports, and when each set came (System.nanoTime). */
class RecordingListener implements DiscoverySource.Listener {
  final List<List<DiscoveredMember>> sets = new CopyOnWriteArrayList<>();
  final List<Long> setNanos = new CopyOnWriteArrayList<>();
  final List<Throwable> errors = new CopyOnWriteArrayList<>();

  @Override
  public void onMembers(List<DiscoveredMember> members) {
    setNanos.add(System.nanoTime());
    sets.add(members);
  }

  @Override
  public void onError(Throwable error) {
    errors.add(error);
  }

  /** The last set reported, or null. */
  List<DiscoveredMember> latest() {
    return sets.isEmpty() ? null : sets.get(sets.size() - 1);
  }

  /** The ids of the last set, or null before the first. */
  Set<String> ids() {
    List<DiscoveredMember> latest = latest();
    return latest == null ? null : latest.stream().map(DiscoveredMember::id).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The last set by id. */
  Map<String, DiscoveredMember> byId() {
    return latest().stream().collect(Collectors.toMap(DiscoveredMember::id, Function.identity()));
  }
}
