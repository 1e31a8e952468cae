package dev.headroom.redis;

import dev.headroom.core.HeadroomException;

/** A {@link CacheLoader} failed with a checked exception, or returned null. */
public final class CacheLoadException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final String namespace;

  /**
   * @param namespace the cache namespace
   * @param message what went wrong
   * @param cause the loader's exception, or null
   */
  public CacheLoadException(String namespace, String message, Throwable cause) {
    super("cache '" + namespace + "': " + message, cause);
    this.namespace = namespace;
  }

  /** The namespace whose loader failed. */
  public String namespace() {
    return namespace;
  }
}
