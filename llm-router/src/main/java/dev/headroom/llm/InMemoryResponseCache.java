package dev.headroom.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.headroom.core.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** A bounded in-process {@link ResponseCache} on Caffeine, honouring each entry's time to live. */
public final class InMemoryResponseCache implements ResponseCache {
  private final Cache<String, Entry> cache;

  private InMemoryResponseCache(long maxEntries) {
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .expireAfter(Expiry.creating((String key, Entry entry) -> entry.ttl()))
        .build();
  }

  /** A cache holding at most {@code maxEntries} answers (least recently and frequently used go first). */
  public static InMemoryResponseCache create(long maxEntries) {
    Checks.plain().atLeast("maxEntries", maxEntries, 1L);
    return new InMemoryResponseCache(maxEntries);
  }

  @Override
  public Optional<String> get(String key) {
    Entry entry = cache.getIfPresent(Objects.requireNonNull(key, "key"));
    return entry == null ? Optional.empty() : Optional.of(entry.text());
  }

  @Override
  public void put(String key, String text, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      return;
    }
    cache.put(key, new Entry(text, ttl));
  }

  /** Entries held now (expired ones may still count until cleaned up). */
  public long size() {
    return cache.estimatedSize();
  }

  @Override
  public String toString() {
    return "InMemoryResponseCache{size=" + cache.estimatedSize() + '}';
  }

  private record Entry(String text, Duration ttl) {}
}
