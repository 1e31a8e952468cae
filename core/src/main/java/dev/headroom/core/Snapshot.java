package dev.headroom.core;

import java.util.Arrays;
import java.util.List;

/**
 * The endpoints of a pool that are eligible for new leases at one moment: healthy, not ejected, not draining. It
 * never changes; the pool builds a new one when health or membership changes (as gRPC's {@code SubchannelPicker}),
 * so the pick path reads one volatile reference and then only immutable data plus each endpoint's counters.
 */
public final class Snapshot {
  private static final EndpointState[] NONE = new EndpointState[0];

  private final EndpointState[] eligible;
  private final long version;
  private final long nextChangeAt;
  /** When the last slow start among these endpoints ends; {@code Long.MIN_VALUE} when none warms. */
  private final long warmingUntil;

  Snapshot(EndpointState[] eligible, long version, long nextChangeAt) {
    this.eligible = eligible.length == 0 ? NONE : eligible;
    this.version = version;
    this.nextChangeAt = nextChangeAt;
    long until = Long.MIN_VALUE;
    for (EndpointState state : eligible) {
      until = Math.max(until, state.warmingUntil());
    }
    this.warmingUntil = until;
  }

  /** A snapshot over the given endpoints, for picker tests and simulations that drive a picker directly. */
  public static Snapshot of(List<EndpointState> endpoints) {
    return new Snapshot(endpoints.toArray(NONE), 0, Long.MAX_VALUE);
  }

  /** The number of eligible endpoints. */
  public int size() {
    return eligible.length;
  }

  /** The eligible endpoint at {@code index}, in pool order. */
  public EndpointState get(int index) {
    return eligible[index];
  }

  /** All eligible endpoints, in pool order. */
  public List<EndpointState> endpoints() {
    return List.of(eligible);
  }

  /** Increases each time the pool builds a new snapshot. */
  public long version() {
    return version;
  }

  /** The ticker time at which an ejection or open breaker in this snapshot expires by itself. */
  long nextChangeAt() {
    return nextChangeAt;
  }

  /** Whether some endpoint of this snapshot may be in its slow start at {@code now} (one field read). */
  boolean mayBeWarming(long now) {
    return now < warmingUntil;
  }

  /** Whether any eligible endpoint is accepted by the selector (regardless of its load). */
  boolean anyAccepted(Selector selector) {
    for (EndpointState state : eligible) {
      if (selector.accepts(state)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "Snapshot{v" + version + " " + Arrays.toString(eligible) + '}';
  }
}
