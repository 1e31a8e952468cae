package dev.headroom.testkit.workload;

import dev.headroom.core.time.VirtualTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Replays a {@link CacheWorkload} against a model of a cache-aside TTL cache in {@link VirtualTime}: a read hits when
 * the key's entry exists and has not expired; a read miss loads and stores the entry with the TTL that a
 * {@link TtlSource} gives at that moment (so entries keep the TTL they were written with); a write invalidates the
 * key. The clock advances by each request's gap before the request, so anything reading the same {@code VirtualTime}
 * (a TTL tuner, say) sees the trace's time.
 *
 * <p>It also measures memory as the mean number of live entries (entry lifetimes summed over the run, divided by
 * its length).
 */
public final class TtlCacheSimulator {
  private final VirtualTime time;
  private final Map<Integer, long[]> entries = new HashMap<>(); // key -> {storedAt, expiresAt}
  private long hits;
  private long misses;
  private long writes;
  private double entryNanos;

  /** A simulator on {@code time}. */
  public TtlCacheSimulator(VirtualTime time) {
    this.time = Objects.requireNonNull(time, "time");
  }

  /**
   * Runs {@code workload} for {@code length} of virtual time.
   *
   * @param ttl the TTL for each new entry
   * @param observer told of every read's outcome (true = hit)
   * @param measureFrom reads before this much time has passed are not counted in the result (warm-up)
   */
  public Result run(CacheWorkload workload, Duration length, TtlSource ttl, ReadObserver observer,
      Duration measureFrom) {
    long start = time.read();
    long end = start + length.toNanos();
    long measureStart = start + measureFrom.toNanos();
    hits = 0;
    misses = 0;
    writes = 0;
    entryNanos = 0;
    while (true) {
      CacheWorkload.Request request = workload.next();
      if (time.read() + request.gapNanos() > end) {
        break;
      }
      time.advanceNanos(request.gapNanos());
      long now = time.read();
      boolean measured = now >= measureStart;
      if (request.write()) {
        long[] entry = entries.remove(request.key());
        if (entry != null) {
          retire(entry, now, measureStart);
        }
        if (measured) {
          writes++;
        }
        continue;
      }
      long[] entry = entries.get(request.key());
      boolean hit = entry != null && entry[1] > now;
      if (!hit) {
        if (entry != null) {
          retire(entry, now, measureStart);
        }
        long ttlNanos = Math.max(1, ttl.ttlNanos());
        entries.put(request.key(), new long[] {now, now + ttlNanos});
      }
      observer.read(hit);
      if (measured) {
        if (hit) {
          hits++;
        } else {
          misses++;
        }
      }
    }
    time.advanceNanos(Math.max(0, end - time.read()));
    for (long[] entry : entries.values()) {
      retire(entry, end, measureStart);
    }
    entries.clear();
    double measuredNanos = Math.max(1, end - measureStart);
    return new Result(hits, misses, writes, entryNanos / measuredNanos);
  }

  private void retire(long[] entry, long now, long measureStart) {
    long from = Math.max(entry[0], measureStart);
    long to = Math.min(entry[1], now);
    if (to > from) {
      entryNanos += to - from;
    }
  }

  /** Gives the TTL for a new entry. */
  @FunctionalInterface
  public interface TtlSource {
    /** The TTL in nanoseconds. */
    long ttlNanos();
  }

  /** Told of each read. */
  @FunctionalInterface
  public interface ReadObserver {
    /** A read happened; {@code hit} tells whether the cache served it. */
    void read(boolean hit);
  }

  /**
   * What a run measured (after warm-up).
   *
   * @param hits reads served from the cache
   * @param misses reads that loaded
   * @param writes writes (invalidations)
   * @param meanLiveEntries the mean number of entries held
   */
  public record Result(long hits, long misses, long writes, double meanLiveEntries) {
    /** hits / reads. */
    public double hitRate() {
      return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
    }
  }
}
