package dev.headroom.sql;

/** What a read does when no replica can serve it. */
public enum FallbackPolicy {
  /** Read from the primary (on a read-only connection) and count the fallback with its reason. The default. */
  PRIMARY,
  /** Throw a {@link NoReplicaAvailableException} that says why each replica was passed. */
  FAIL
}
