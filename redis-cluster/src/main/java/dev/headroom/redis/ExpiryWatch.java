package dev.headroom.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Counts {@code ttl_expired} reads ({@link CacheMetricNames#TTL_EXPIRED}): reads whose L2 lookup was answered with a
 * miss for a key whose last value this process wrote or read, with an expiry time at or before now, and that nobody
 * invalidated since (here or, as far as the invalidation channel tells, elsewhere). Such a key is gone because its TTL
 * passed; a key evicted by Redis under {@code maxmemory} before its expiry, or deleted, is not counted.
 *
 * <p>Cheap: one bounded map entry (key → expiry) per value written or read from L2, none on L1 hits; an entry is
 * counted once, then forgotten. An entry is kept past its expiry for as long as it had left when it was seen, at least
 * a minute (or until the bound evicts it): a key read again much later than that is not counted.
 */
final class ExpiryWatch {
  private static final long RETAIN_MILLIS = 60_000;

  private final Cache<String, Long> expiries;
  private final Clock clock;
  private final Counter expired;

  ExpiryWatch(long maximumSize, Ticker ticker, Clock clock, Counter expired) {
    this.clock = clock;
    this.expired = expired;
    this.expiries = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .ticker(ticker::read)
        .executor(Runnable::run)
        .expireAfter(new Expiry<String, Long>() {
          @Override
          public long expireAfterCreate(String key, Long expiresAt, long currentTime) {
            long left = Math.max(0, expiresAt - clock.millis());
            return TimeUnit.MILLISECONDS.toNanos(left + Math.max(RETAIN_MILLIS, left));
          }

          @Override
          public long expireAfterUpdate(String key, Long expiresAt, long currentTime, long currentDuration) {
            return expireAfterCreate(key, expiresAt, currentTime);
          }

          @Override
          public long expireAfterRead(String key, Long expiresAt, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  /** This process wrote or read the key's value, which expires at {@code expiresAtMillis} (wall clock). */
  void seen(String key, long expiresAtMillis) {
    expiries.put(key, expiresAtMillis);
  }

  /** The key was invalidated: a later miss is not an expiry. */
  void forget(String key) {
    expiries.invalidate(key);
  }

  /** The keys that match were invalidated. */
  void forgetIf(Predicate<String> matches) {
    for (String key : List.copyOf(expiries.asMap().keySet())) {
      if (matches.test(key)) {
        expiries.invalidate(key);
      }
    }
  }

  /** An L2 lookup of the key was answered with a miss: counted when the key's known expiry has passed. */
  void missed(String key) {
    Long expiresAt = expiries.getIfPresent(key);
    if (expiresAt != null && expiresAt <= clock.millis() && expiries.asMap().remove(key, expiresAt)) {
      expired.increment();
    }
  }
}
