package dev.headroom.redis;

/**
 * Computes the value for a key on a miss (or an early refresh). Called by at most one thread per key at a time in
 * one {@link TieredCache}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface CacheLoader<K, V> {

  /**
   * Loads the value of {@code key}; never returns null.
   *
   * @throws Exception when the value cannot be loaded; the caller receives it (unchecked exceptions as they are,
   *     checked ones wrapped in a {@link CacheLoadException})
   */
  V load(K key) throws Exception;
}
