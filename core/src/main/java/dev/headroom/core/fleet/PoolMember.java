package dev.headroom.core.fleet;

import java.util.List;

/** The pool's side of a {@link PoolLink}: what it reports to the fleet and how it hears back. */
public interface PoolMember {

  /** This replica's load per endpoint now; called on the coordinator's thread every publish interval. */
  List<EndpointReport> report();

  /**
   * The fleet's latest view of the pool (other replicas only); called on the coordinator's thread. Keep it short:
   * store the numbers and return.
   */
  void onView(FleetView view);
}
