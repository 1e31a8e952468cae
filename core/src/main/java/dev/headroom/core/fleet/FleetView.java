package dev.headroom.core.fleet;

import java.util.Map;
import java.util.Objects;

/**
 * What the other replicas last published about one pool: their summed in-flight per endpoint and the mean of their
 * latency estimates. Entries of a replica that stopped publishing age out. Immutable.
 *
 * @param inFlight the other replicas' in-flight per endpoint id (absent: 0)
 * @param meanLatencyMillis the other replicas' mean latency estimate per endpoint id (absent: unknown)
 * @param liveReplicas replicas alive, this one included
 * @param degraded whether the view is the last good one, kept because the shared store does not answer
 */
public record FleetView(Map<String, Integer> inFlight, Map<String, Double> meanLatencyMillis, int liveReplicas,
    boolean degraded) {
  /** A view with nobody else in it. */
  public static final FleetView EMPTY = new FleetView(Map.of(), Map.of(), 1, false);

  /** Copies the maps. */
  public FleetView {
    inFlight = Map.copyOf(Objects.requireNonNull(inFlight, "inFlight"));
    meanLatencyMillis = Map.copyOf(Objects.requireNonNull(meanLatencyMillis, "meanLatencyMillis"));
    liveReplicas = Math.max(1, liveReplicas);
  }

  /** The other replicas' in-flight on {@code endpoint}. */
  public int inFlight(String endpoint) {
    return inFlight.getOrDefault(endpoint, 0);
  }
}
