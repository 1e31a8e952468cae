package dev.headroom.sql;

/**
 * Where read-your-writes tokens live when no {@link ConsistencyScope} is open. Inside a scope the scope's token
 * always applies.
 */
public enum ReadYourWrites {
  /**
   * Each thread remembers its last write: a read on the thread that wrote sees the write. Suits thread-per-request
   * servers. Costs one short query on the primary when a connection that ran statements there is closed. The
   * default.
   */
  PER_THREAD,
  /** Only {@link ConsistencyScope}s (per request, or opened with an explicit token) track writes. */
  PER_SCOPE
}
