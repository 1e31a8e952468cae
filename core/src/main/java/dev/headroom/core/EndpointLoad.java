package dev.headroom.core;

/**
 * A point-in-time view of one endpoint's load, for errors, health reports and logs.
 *
 * @param id the endpoint id
 * @param inFlight leases currently held
 * @param limit the endpoint's concurrency limit
 * @param health its health at the time
 * @param draining whether it accepts no new leases
 */
public record EndpointLoad(String id, int inFlight, int limit, Health health, boolean draining) {
  @Override
  public String toString() {
    return id + "[" + inFlight + "/" + limit + " " + health + (draining ? " draining" : "") + "]";
  }
}
