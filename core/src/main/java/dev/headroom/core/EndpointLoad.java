package dev.headroom.core;

/**
 * A point-in-time view of one endpoint's load, for errors, health reports and logs.
 *
 * @param id the endpoint id
 * @param inFlight leases currently held
 * @param limit the endpoint's concurrency limit
 * @param health its health at the time
 * @param draining whether it accepts no new leases
 * @param warming whether it joined a running pool and has not reached its full share yet: waiting for its first
 *     health probe, or in its slow start (see {@link EndpointState#isWarming})
 */
public record EndpointLoad(String id, int inFlight, int limit, Health health, boolean draining, boolean warming) {

  /** A load of an endpoint that is not warming. */
  public EndpointLoad(String id, int inFlight, int limit, Health health, boolean draining) {
    this(id, inFlight, limit, health, draining, false);
  }

  @Override
  public String toString() {
    return id + "[" + inFlight + "/" + limit + " " + health + (draining ? " draining" : "")
        + (warming ? " warming" : "") + "]";
  }
}
