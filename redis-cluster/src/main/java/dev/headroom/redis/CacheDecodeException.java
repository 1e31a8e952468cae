package dev.headroom.redis;

import dev.headroom.core.HeadroomException;

/**
 * A value read from Redis could not be decoded: it was written by another schema version or type, or its bytes are
 * not what the codec expects. {@link TieredCache} never lets this reach a caller: it counts a miss, deletes the entry
 * and logs the first occurrence.
 */
public final class CacheDecodeException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  /** @param message what did not match, without the value's bytes */
  public CacheDecodeException(String message) {
    super(message);
  }

  /**
   * @param message what did not match, without the value's bytes
   * @param cause the parser's exception
   */
  public CacheDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
