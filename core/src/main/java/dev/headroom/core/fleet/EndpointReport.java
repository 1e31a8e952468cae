package dev.headroom.core.fleet;

import java.util.Objects;

/**
 * One replica's load on one endpoint, as published to the fleet.
 *
 * @param endpoint the endpoint id (the same on every replica)
 * @param inFlight this replica's leases in flight on it
 * @param meanLatencyMillis this replica's mean latency estimate for it, in milliseconds (0 when unknown)
 */
public record EndpointReport(String endpoint, int inFlight, double meanLatencyMillis) {
  /** Checks the fields. */
  public EndpointReport {
    Objects.requireNonNull(endpoint, "endpoint");
    if (inFlight < 0) {
      throw new IllegalArgumentException("inFlight must be >= 0, got " + inFlight);
    }
  }
}
