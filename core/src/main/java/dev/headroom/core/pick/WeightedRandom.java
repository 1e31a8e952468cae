package dev.headroom.core.pick;

import dev.headroom.core.EndpointState;
import dev.headroom.core.Picker;
import dev.headroom.core.Selector;
import dev.headroom.core.Snapshot;

/** A random candidate with probability proportional to its weight. */
final class WeightedRandom implements Picker {
  private final RandomSource random;

  WeightedRandom(RandomSource random) {
    this.random = random;
  }

  @Override
  public int pick(Snapshot snapshot, Selector selector, long now) {
    int n = snapshot.size();
    double total = 0;
    for (int i = 0; i < n; i++) {
      EndpointState state = snapshot.get(i);
      if (Picker.candidate(state, selector)) {
        total += state.endpoint().weight();
      }
    }
    if (total == 0) {
      return NONE;
    }
    double target = random.nextDouble() * total;
    int last = NONE;
    for (int i = 0; i < n; i++) {
      EndpointState state = snapshot.get(i);
      if (Picker.candidate(state, selector)) {
        last = i;
        target -= state.endpoint().weight();
        if (target < 0) {
          return i;
        }
      }
    }
    return last; // rounding, or a candidate that filled up between the two loops
  }

  @Override
  public String toString() {
    return "weightedRandom";
  }
}
