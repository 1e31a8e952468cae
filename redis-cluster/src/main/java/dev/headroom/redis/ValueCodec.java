package dev.headroom.redis;

/**
 * Encodes cache values for Redis. {@link TieredCache} writes {@link #typeId()} and {@link #version()} into a header
 * in front of every value and refuses (as a miss) any value whose header names another type or version, so that
 * a deployment that changes the value's shape bumps the version and never reads the old shape.
 *
 * @param <V> the value type
 */
public interface ValueCodec<V> {

  /** A short name of the value type: letters, digits and {@code . _ - $}, no spaces. */
  String typeId();

  /** The schema version of the encoded form, 0 or more. */
  int version();

  /** The value's bytes (without the header). */
  byte[] encode(V value);

  /**
   * The value from its bytes (without the header).
   *
   * @throws CacheDecodeException when the bytes do not hold a value of this schema
   */
  V decode(byte[] bytes);
}
