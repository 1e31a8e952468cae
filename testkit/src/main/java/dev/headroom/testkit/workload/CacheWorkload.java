package dev.headroom.testkit.workload;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A synthetic cache trace: requests arrive as a Poisson process at {@code requestsPerSecond}; each is a write (the
 * source changed: the cached entry is invalidated) with probability {@code writeShare}, else a read; keys of both
 * follow {@link ZipfSampler}. Deterministic for a seed; not thread-safe.
 */
public final class CacheWorkload {
  private final ZipfSampler keys;
  private final SplittableRandom random;
  private final double meanGapNanos;
  private final double writeShare;
  private final double requestsPerSecond;

  /**
   * @param keyCount the number of distinct keys
   * @param zipfExponent the Zipf exponent of key popularity
   * @param requestsPerSecond the mean arrival rate
   * @param writeShare the share of requests that are writes, in [0, 1)
   * @param seed the random seed
   */
  public CacheWorkload(int keyCount, double zipfExponent, double requestsPerSecond, double writeShare, long seed) {
    if (!(requestsPerSecond > 0)) {
      throw new IllegalArgumentException("requestsPerSecond must be > 0 but was " + requestsPerSecond);
    }
    if (!(writeShare >= 0 && writeShare < 1)) {
      throw new IllegalArgumentException("writeShare must be in [0, 1) but was " + writeShare);
    }
    this.keys = new ZipfSampler(keyCount, zipfExponent, seed);
    this.random = new SplittableRandom(seed * 31 + 7);
    this.meanGapNanos = 1e9 / requestsPerSecond;
    this.writeShare = writeShare;
    this.requestsPerSecond = requestsPerSecond;
  }

  /** The next request. */
  public Request next() {
    long gap = Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * meanGapNanos));
    boolean write = random.nextDouble() < writeShare;
    return new Request(gap, keys.next(), write);
  }

  /** The mean arrival rate. */
  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  @Override
  public String toString() {
    return "CacheWorkload{" + keys.size() + " keys, " + requestsPerSecond + " req/s, writes "
        + writeShare + '}';
  }

  /**
   * One request.
   *
   * @param gapNanos time since the previous request
   * @param key the key's rank
   * @param write true for a write (invalidation), false for a read
   */
  public record Request(long gapNanos, int key, boolean write) {
    /** The gap as a {@link Duration}. */
    public Duration gap() {
      return Duration.ofNanos(gapNanos);
    }
  }
}
