package dev.headroom.core;

/**
 * Whether a request should take the free slot its picker chose, or wait for a slot on a faster endpoint that is at
 * its limit right now: join-the-shortest-expected-delay with the pool's queue in front of it. Only consulted when
 * some endpoint is at its limit and the caller may wait, so the unsaturated hot path never pays for the scan.
 *
 * <p>With {@code L} the chosen endpoint's mean latency (the mean, not the peak: this predicts time), and over the endpoints faster than it, all full, {@code r} their
 * rate of freeing slots ({@code Σ limit / latency}) and {@code S} their slots ({@code Σ limit}): a request with
 * {@code q} callers queued behind it waits about {@code (q + 1) / r} for one of their slots and is then served in
 * about {@code S / r}. It waits when {@code L > (q + 1 + S) / r} and that wait fits its deadline. When a faster
 * endpoint has a free slot it takes that one instead (its picker did not sample it, or preferred the idler one):
 * the fastest of those whose mean latency is below {@link #CLEARLY_FASTER} of the choice's, else the cheapest of
 * those with a lower cost than the choice.
 */
final class FasterSlot {
  /** Returned when the request should wait. */
  static final int WAIT = Picker.NONE;
  /** A free endpoint whose mean latency is below this share of the choice's replaces it whatever their costs. */
  static final double CLEARLY_FASTER = 0.67;

  private FasterSlot() {}

  /**
   * @param chosen the picker's choice (a candidate)
   * @param queuedBehind callers waiting behind this request
   * @param maxWaitNanos how long this request may wait at most
   * @return the index to reserve, or {@link #WAIT}
   */
  static int choose(Snapshot snapshot, Selector selector, int chosen, long now, int queuedBehind, long maxWaitNanos) {
    double latency = snapshot.get(chosen).meanLatencyNanos(now);
    double rate = 0;
    double slots = 0;
    EndpointState picked = snapshot.get(chosen);
    int freeFaster = Picker.NONE;
    double freeFasterCost = picked.expectedDelayCost(now) * selector.costFactor(picked);
    for (int i = 0; i < snapshot.size(); i++) {
      EndpointState state = snapshot.get(i);
      if (i == chosen || !selector.accepts(state)) {
        continue;
      }
      double other = state.meanLatencyNanos(now);
      if (other >= latency) {
        continue;
      }
      if (state.hasCapacity()) {
        // a free slot that is clearly faster on average wins outright; a slightly faster one only on cost
        double cost = other < latency * CLEARLY_FASTER ? other / latency * Double.MIN_NORMAL
            : state.expectedDelayCost(now) * selector.costFactor(state);
        if (cost < freeFasterCost) {
          freeFaster = i;
          freeFasterCost = cost;
        }
      } else {
        rate += state.limit() / other;
        slots += state.limit();
      }
    }
    if (freeFaster != Picker.NONE) {
      return freeFaster;
    }
    if (rate == 0) {
      return chosen;
    }
    double wait = (queuedBehind + 1) / rate;
    return latency > wait + slots / rate && wait < maxWaitNanos ? WAIT : chosen;
  }
}
