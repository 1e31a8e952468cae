package dev.headroom.core;

/**
 * The root of Headroom's exceptions. Unchecked: callers catch the subtype they can act on
 * ({@link NoCapacityException}, {@link BackendException}, {@link ConfigException}).
 */
public class HeadroomException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public HeadroomException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public HeadroomException(String message, Throwable cause) {
    super(message, cause);
  }
}
