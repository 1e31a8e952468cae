package dev.headroom.bench.sim.scale;

import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.DiscoverySource;
import java.util.List;

/** A discovery source the simulated control plane (the HPA, DNS) reports sets through. */
final class PushedSource implements DiscoverySource {
  private Listener listener;

  @Override
  public String name() {
    return "sim";
  }

  @Override
  public void start(Listener value) {
    this.listener = value;
  }

  void report(List<DiscoveredMember> members) {
    listener.onMembers(members);
  }

  @Override
  public void close() {}
}
