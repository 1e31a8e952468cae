package dev.headroom.core.pick;

import dev.headroom.core.EndpointState;
import dev.headroom.core.Picker;
import dev.headroom.core.Selector;
import dev.headroom.core.Snapshot;

/**
 * Power of two choices: sample two distinct endpoints at random and take the cheaper. When only one of the two is a
 * candidate it wins; when neither is, a full scan takes the cheapest candidate, so a request is refused only when
 * no endpoint can take it.
 */
final class PowerOfTwoChoices implements Picker {
  private final CostFunction cost;
  private final RandomSource random;

  PowerOfTwoChoices(CostFunction cost, RandomSource random) {
    this.cost = cost;
    this.random = random;
  }

  @Override
  public int pick(Snapshot snapshot, Selector selector, long now) {
    int n = snapshot.size();
    if (n == 0) {
      return NONE;
    }
    if (n == 1) {
      return Picker.candidate(snapshot.get(0), selector) ? 0 : NONE;
    }
    long bits = random.nextLong(); // both indexes from one draw (Lemire's multiply-shift on each half)
    int a = (int) (((bits >>> 32) * n) >>> 32);
    int b = (int) (((bits & 0xFFFF_FFFFL) * (n - 1)) >>> 32);
    if (b >= a) {
      b++;
    }
    EndpointState first = snapshot.get(a);
    EndpointState second = snapshot.get(b);
    boolean firstOk = Picker.candidate(first, selector);
    boolean secondOk = Picker.candidate(second, selector);
    if (firstOk && secondOk) {
      return costOf(first, selector, now) <= costOf(second, selector, now) ? a : b;
    }
    if (firstOk) {
      return a;
    }
    if (secondOk) {
      return b;
    }
    return cheapest(snapshot, selector, now, a);
  }

  private int cheapest(Snapshot snapshot, Selector selector, long now, int start) {
    int n = snapshot.size();
    int best = NONE;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      int index = (start + i) % n;
      EndpointState state = snapshot.get(index);
      if (Picker.candidate(state, selector)) {
        double c = costOf(state, selector, now);
        if (best == NONE || c < bestCost) {
          best = index;
          bestCost = c;
        }
      }
    }
    return best;
  }

  private double costOf(EndpointState state, Selector selector, long now) {
    return cost.cost(state, now) * selector.costFactor(state);
  }

  @Override
  public String toString() {
    return "powerOfTwoChoices";
  }
}
