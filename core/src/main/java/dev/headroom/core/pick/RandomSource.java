package dev.headroom.core.pick;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Random numbers for randomized pickers: {@link ThreadLocalRandom} in production, a seeded sequence in tests and
 * simulations so that a run can be repeated exactly.
 */
@FunctionalInterface
public interface RandomSource {

  /** A uniformly distributed long. */
  long nextLong();

  /** A uniform int in {@code [0, bound)}; {@code bound} must be positive. */
  default int nextInt(int bound) {
    // Lemire's multiply-shift on the high 32 bits: cheap, and its bias is negligible for picker-sized bounds.
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }

  /** A uniform double in {@code [0, 1)}. */
  default double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** {@link ThreadLocalRandom}: fast, uncontended, not repeatable. */
  static RandomSource threadLocal() {
    return () -> ThreadLocalRandom.current().nextLong();
  }

  /** A thread-safe SplitMix64 sequence: the same seed gives the same picks in the same order. */
  static RandomSource seeded(long seed) {
    AtomicLong state = new AtomicLong(seed);
    return () -> {
      long z = state.addAndGet(0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    };
  }
}
