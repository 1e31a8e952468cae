package dev.headroom.redis;

/**
 * A cached value with what the cache needs to know about it: when it was written, when it expires in L2 (wall-clock
 * milliseconds, so that every instance agrees) and how long it took to load (XFetch's δ).
 *
 * @param value the value
 * @param writtenAtMillis wall-clock time of the write
 * @param expiresAtMillis wall-clock time at which L2 drops it
 * @param loadMicros how long the loader took, 0 when unknown
 * @param <V> the value type
 */
record Envelope<V>(V value, long writtenAtMillis, long expiresAtMillis, long loadMicros) {

  /** The TTL it was written with. */
  long ttlMillis() {
    return expiresAtMillis - writtenAtMillis;
  }
}
