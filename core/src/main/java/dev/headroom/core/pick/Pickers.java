package dev.headroom.core.pick;

import dev.headroom.core.Picker;
import dev.headroom.core.Selector;
import dev.headroom.core.Snapshot;
import java.util.Objects;

/** The pickers Headroom ships. All are thread-safe and allocation-free on the pick path. */
public final class Pickers {
  private Pickers() {}

  /**
   * The default: power of two choices on {@link CostFunction#expectedDelay()}, driven by
   * {@link java.util.concurrent.ThreadLocalRandom}.
   */
  public static Picker powerOfTwoChoices() {
    return new PowerOfTwoChoices(CostFunction.expectedDelay(), RandomSource.threadLocal());
  }

  /** Power of two choices with a given cost function and random source. */
  public static Picker powerOfTwoChoices(CostFunction cost, RandomSource random) {
    return new PowerOfTwoChoices(Objects.requireNonNull(cost, "cost"), Objects.requireNonNull(random, "random"));
  }

  /** The candidate with the fewest leases in flight (per unit of weight). */
  public static Picker leastInFlight() {
    return new LeastInFlight(RandomSource.threadLocal());
  }

  /** Least in-flight with a given random source for tie-breaking. */
  public static Picker leastInFlight(RandomSource random) {
    return new LeastInFlight(Objects.requireNonNull(random, "random"));
  }

  /** The next candidate in pool order. */
  public static Picker roundRobin() {
    return new RoundRobin();
  }

  /** A random candidate, proportional to weight. */
  public static Picker weightedRandom() {
    return new WeightedRandom(RandomSource.threadLocal());
  }

  /** Weighted random with a given random source. */
  public static Picker weightedRandom(RandomSource random) {
    return new WeightedRandom(Objects.requireNonNull(random, "random"));
  }

  /** {@code picker}, restricted to endpoints that {@code filter} accepts (and weighted by its cost factor). */
  public static Picker filtered(Selector filter, Picker picker) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(picker, "picker");
    return new Picker() {
      @Override
      public int pick(Snapshot snapshot, Selector selector, long now) {
        return picker.pick(snapshot, filter.and(selector), now);
      }

      @Override
      public String toString() {
        return "filtered(" + picker + ")";
      }
    };
  }
}
