package dev.headroom.npu;

/** Where the local queue stands against the pool's thresholds (the seed's 100 warning / 500 critical). */
public enum QueueLevel {
  /** Below the warning threshold: everything is served locally. */
  OK,
  /** At or above the warning threshold: new texts spill to the cloud when the pool has one. */
  WARNING,
  /** At or above the critical threshold: new texts spill to the cloud, or are refused without one. */
  CRITICAL
}
