package dev.headroom.redis;

import dev.headroom.core.HeadroomException;

/**
 * A cache call got an argument it cannot take: a null key, value, loader or map, a key that is empty or too long, a
 * per-call TTL that is null, not positive or under a millisecond, a pattern that is null or empty. The message names
 * the argument.
 */
public final class CacheArgumentException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final String namespace;

  /**
   * @param namespace the cache namespace
   * @param message what was wrong
   */
  public CacheArgumentException(String namespace, String message) {
    super("cache '" + namespace + "': " + message);
    this.namespace = namespace;
  }

  /** The namespace of the cache that refused the argument. */
  public String namespace() {
    return namespace;
  }
}
