package dev.headroom.bench.redis;

import dev.headroom.redis.JacksonCodec;
import dev.headroom.redis.ValueCodec;

/**
 * A cached value of about the size of a short LLM answer.
 *
 * @param text the answer
 * @param tokens its token count
 */
public record BenchValue(String text, int tokens) {
  /** The codec used by the benchmarks. */
  public static final ValueCodec<BenchValue> CODEC = JacksonCodec.of(BenchValue.class, 1);

  /** A value with {@code length} characters of text. */
  public static BenchValue ofLength(int length) {
    return new BenchValue("x".repeat(length), length / 4);
  }
}
