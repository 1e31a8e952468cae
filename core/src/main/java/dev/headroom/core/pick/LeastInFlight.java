package dev.headroom.core.pick;

import dev.headroom.core.EndpointState;
import dev.headroom.core.Picker;
import dev.headroom.core.Selector;
import dev.headroom.core.Snapshot;

/** The candidate with the fewest leases in flight per unit of weight; ties go to a random one of them. */
final class LeastInFlight implements Picker {
  private final RandomSource random;

  LeastInFlight(RandomSource random) {
    this.random = random;
  }

  @Override
  public int pick(Snapshot snapshot, Selector selector, long now) {
    int n = snapshot.size();
    if (n == 0) {
      return NONE;
    }
    int start = n == 1 ? 0 : random.nextInt(n);
    int best = NONE;
    double bestLoad = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      int index = (start + i) % n;
      EndpointState state = snapshot.get(index);
      if (Picker.candidate(state, selector)) {
        double load = state.fleetInFlight() / state.endpoint().weight();
        if (load < bestLoad) {
          best = index;
          bestLoad = load;
        }
      }
    }
    return best;
  }

  @Override
  public String toString() {
    return "leastInFlight";
  }
}
