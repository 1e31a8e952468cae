package dev.headroom.redis;

/**
 * Turns a cache key into the text used in Redis (after the {@code <prefix>:<namespace>:} part). Equal keys must give
 * equal text and different keys different text; the text must not be empty. Keep keys short: hash long inputs
 * (prompts, documents) rather than using them whole.
 *
 * @param <K> the key type
 */
@FunctionalInterface
public interface KeyCodec<K> {

  /** The key as text; never null or empty. */
  String encode(K key);

  /** {@code String.valueOf(key)}: right for strings, numbers, UUIDs and enums. */
  static <K> KeyCodec<K> string() {
    return String::valueOf;
  }
}
