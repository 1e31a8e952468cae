package dev.headroom.bench.sim.fleet;

/** How the replicas' pools know about each other, in report order. */
enum Mode {
  /** One pool takes every request: one process with all the knowledge there is. The same for every N. */
  ORACLE("global oracle"),
  /** Each replica alone ({@code FleetCoordinator.local()}), its limit per node the node's slots. */
  LOCAL("local-only"),
  /** {@link SimFleet} views every publish interval, soft caps ({@code strictCaps(false)}). */
  SHARED("shared view"),
  /** {@link SimFleet} views and exact global permits ({@code strictCaps(true)}). */
  STRICT("shared + strict caps");

  private final String label;

  Mode(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
