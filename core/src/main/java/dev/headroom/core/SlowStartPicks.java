package dev.headroom.core;

import dev.headroom.core.pick.RandomSource;

/**
 * How a pick honours slow start, whatever the picker and its cost function: only while some endpoint of the
 * snapshot ramps up, so the ordinary pick path never pays for it.
 *
 * <p>A pick first draws by effective weight ({@code weight × slowStartFactor} for a ramping endpoint, the weight
 * for the others, over the endpoints the request accepts). When the draw lands on a ramping endpoint that is under
 * its slow-start limit ({@code ceil(factor × maxConcurrency)}), the request goes there; otherwise the picker
 * chooses among the endpoints that are not ramping ({@link #others}), and only when none of them has a free slot
 * among the ramping ones under their limit ({@link #withinRamp}). So a ramping endpoint gets its weight's share of
 * the picks while the others have room, however much less loaded it looks to a load-aware picker (which would
 * otherwise send it more, the less it had), and its limit's share of the slots when they are all full.
 *
 * <p>Slow start does not apply to a pick whose accepted endpoints all ramp (there is nothing to shift traffic from:
 * a pool filled by its first discovery report, a model only new nodes have), nor to an endpoint whose request's
 * {@link Selector#slowStart} says no.
 */
final class SlowStartPicks {
  /** {@link #draw}: slow start does not apply to this pick; pick as usual. */
  static final int IGNORE = -2;
  /** {@link #draw}: pick among the endpoints that are not ramping. */
  static final int OTHERS = Picker.NONE;

  private SlowStartPicks() {}

  /**
   * @return the index of the ramping endpoint this pick goes to, {@link #OTHERS} or {@link #IGNORE}
   */
  static int draw(Snapshot snapshot, Selector selector, long now, RandomSource random) {
    double total = 0;
    double steady = 0;
    for (int i = 0; i < snapshot.size(); i++) {
      EndpointState state = snapshot.get(i);
      if (!selector.accepts(state)) {
        continue;
      }
      double weight = state.endpoint().weight();
      if (ramps(state, selector, now)) {
        total += weight * state.slowStartFactor(now);
      } else {
        total += weight;
        steady += weight;
      }
    }
    if (steady == 0 || steady == total) {
      return IGNORE;
    }
    double target = random.nextDouble() * total;
    if (target < steady) {
      return OTHERS;
    }
    target -= steady;
    for (int i = 0; i < snapshot.size(); i++) {
      EndpointState state = snapshot.get(i);
      if (selector.accepts(state) && ramps(state, selector, now)) {
        target -= state.endpoint().weight() * state.slowStartFactor(now);
        if (target < 0) {
          return underRampLimit(state, now) ? i : OTHERS;
        }
      }
    }
    return OTHERS; // rounding
  }

  /** {@code selector} without the endpoints that ramp up for it. */
  static Selector others(Selector selector, long now) {
    return new Narrowed(selector, now, false);
  }

  /** {@code selector} with the endpoints that ramp up for it only while they are under their slow-start limit. */
  static Selector withinRamp(Selector selector, long now) {
    return new Narrowed(selector, now, true);
  }

  /** Whether {@code selector} accepts some endpoint of the snapshot with a free slot. */
  static boolean anyFree(Snapshot snapshot, Selector selector) {
    for (int i = 0; i < snapshot.size(); i++) {
      EndpointState state = snapshot.get(i);
      if (Picker.candidate(state, selector)) {
        return true;
      }
    }
    return false;
  }

  private static boolean ramps(EndpointState state, Selector selector, long now) {
    return state.rampingAt(now) && selector.slowStart(state);
  }

  private static boolean underRampLimit(EndpointState state, long now) {
    return state.hasCapacity() && state.inFlight() < state.slowStartLimit(now);
  }

  /** A request's selector, narrowed for slow start; its cost factors and slow-start answers are the request's. */
  private static final class Narrowed implements Selector {
    private final Selector base;
    private final long now;
    private final boolean rampingUnderLimit;

    Narrowed(Selector base, long now, boolean rampingUnderLimit) {
      this.base = base;
      this.now = now;
      this.rampingUnderLimit = rampingUnderLimit;
    }

    @Override
    public boolean accepts(EndpointState endpoint) {
      if (!base.accepts(endpoint)) {
        return false;
      }
      if (!ramps(endpoint, base, now)) {
        return true;
      }
      return rampingUnderLimit && endpoint.inFlight() < endpoint.slowStartLimit(now);
    }

    @Override
    public double costFactor(EndpointState endpoint) {
      return base.costFactor(endpoint);
    }

    @Override
    public boolean slowStart(EndpointState endpoint) {
      return base.slowStart(endpoint);
    }

    @Override
    public String toString() {
      return base + (rampingUnderLimit ? " (ramping endpoints under their limit)" : " (not ramping)");
    }
  }
}
