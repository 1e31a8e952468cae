package dev.headroom.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.headroom.core.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One namespace's L1: a bounded Caffeine cache whose entries live {@code min(l1Ttl, what is left of their L2 TTL)},
 * so L1 never outlives L2. It also remembers which keys were invalidated recently (and when the whole namespace was
 * cleared): a refill of such a key reads from the master, because a replica may still hold the old value.
 */
final class L1Store<V> {
  private final Cache<String, Envelope<V>> entries;
  private final Cache<String, Boolean> recentlyInvalidated;
  private final Ticker ticker;
  private final long masterWindowNanos;
  private volatile long masterReadsUntil = Long.MIN_VALUE;

  L1Store(boolean enabled, long maximumSize, Duration l1Ttl, Ticker ticker, Clock wallClock,
      Duration masterReadWindow) {
    this.ticker = ticker;
    this.masterWindowNanos = masterReadWindow.toNanos();
    long l1TtlNanos = l1Ttl.toNanos();
    this.entries = !enabled ? null : Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .ticker(ticker::read)
        .executor(Runnable::run)
        .expireAfter(new Expiry<String, Envelope<V>>() {
          @Override
          public long expireAfterCreate(String key, Envelope<V> value, long currentTime) {
            long left = TimeUnit.MILLISECONDS.toNanos(value.expiresAtMillis() - wallClock.millis());
            return Math.max(0, Math.min(l1TtlNanos, left));
          }

          @Override
          public long expireAfterUpdate(String key, Envelope<V> value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
          }

          @Override
          public long expireAfterRead(String key, Envelope<V> value, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
    this.recentlyInvalidated = Caffeine.newBuilder()
        .maximumSize(100_000)
        .ticker(ticker::read)
        .executor(Runnable::run)
        .expireAfterWrite(Duration.ofNanos(Math.max(1, masterWindowNanos)))
        .build();
  }

  Envelope<V> get(String key) {
    return entries == null ? null : entries.getIfPresent(key);
  }

  void put(String key, Envelope<V> envelope) {
    if (entries != null) {
      entries.put(key, envelope);
    }
  }

  /** Drops the key and reads it from the master for the next window. */
  void invalidate(String key) {
    if (entries != null) {
      entries.invalidate(key);
    }
    markChanged(key);
  }

  /** The key was just written here: refills within the window read from the master. */
  void markChanged(String key) {
    if (masterWindowNanos > 0) {
      recentlyInvalidated.put(key, Boolean.TRUE);
    }
  }

  /** Drops the entries whose key matches, and reads them from the master for the next window; returns how many. */
  int invalidateIf(java.util.function.Predicate<String> matches) {
    int dropped = 0;
    if (entries != null) {
      for (String key : java.util.List.copyOf(entries.asMap().keySet())) {
        if (matches.test(key) && entries.asMap().remove(key) != null) {
          markChanged(key);
          dropped++;
        }
      }
    }
    return dropped;
  }

  /**
   * For one window every read of the namespace goes to the masters (after a pattern invalidation, whose keys this L1
   * need not have held: a replica may still have them).
   */
  void readFromMasters() {
    masterReadsUntil = ticker.read() + masterWindowNanos;
  }

  /** Drops everything; for one window every read of the namespace goes to the masters. */
  void clear() {
    masterReadsUntil = ticker.read() + masterWindowNanos;
    if (entries != null) {
      entries.invalidateAll();
    }
  }

  boolean readFromMaster(String key) {
    return ticker.read() < masterReadsUntil
        || (masterWindowNanos > 0 && recentlyInvalidated.getIfPresent(key) != null);
  }

  long size() {
    return entries == null ? 0 : entries.estimatedSize();
  }

  /** Whether the key is in L1 now (for tests). */
  boolean contains(String key) {
    return entries != null && entries.getIfPresent(key) != null;
  }
}
