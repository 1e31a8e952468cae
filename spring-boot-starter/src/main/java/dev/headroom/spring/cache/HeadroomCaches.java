package dev.headroom.spring.cache;

import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.KeyCodec;
import dev.headroom.redis.TieredCache;
import dev.headroom.redis.ValueCodec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The cache namespaces of {@code headroom.cache.namespaces}, on one {@link CacheCluster}: a namespace's
 * {@link TieredCache} is opened the first time the application asks for it with the type of its values, and the same
 * instance is handed out after that.
 *
 * <pre>{@code
 * class Reports { // a Spring service
 *   private final TieredCache<String, Report> cache;
 *
 *   Reports(HeadroomCaches caches) {
 *     this.cache = caches.cache("reports", JacksonCodec.of(Report.class, 1));
 *   }
 * }
 * }</pre>
 *
 * <p>A namespace has one value type: asking again with a codec of another type or version is an error, so two
 * parts of an application cannot read each other's values as their own. Closing this registry (the context does)
 * closes the caches it opened; the cluster is closed after it. Thread-safe.
 */
public final class HeadroomCaches implements AutoCloseable {
  private static final KeyCodec<String> STRING_KEYS = KeyCodec.string();

  private final CacheCluster cluster;
  private final Map<String, NamespaceSettings> settings;
  private final Map<String, Opened> opened = new LinkedHashMap<>();
  private boolean closed;

  HeadroomCaches(CacheCluster cluster, Map<String, NamespaceSettings> settings) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /**
   * The cache of {@code namespace} with String keys, opened with the namespace's settings on first use.
   *
   * @param namespace a namespace of {@code headroom.cache.namespaces}
   * @param codec how its values are written; the same type and version on every call
   * @throws IllegalArgumentException naming the configured namespaces when there is none of that name
   * @throws IllegalStateException when the namespace is open with another codec, or the registry is closed
   */
  public <V> TieredCache<String, V> cache(String namespace, ValueCodec<V> codec) {
    return cache(namespace, STRING_KEYS, codec);
  }

  /**
   * The cache of {@code namespace} with keys of another type, turned into text by {@code keys}; see
   * {@link #cache(String, ValueCodec)}. Every call for a namespace must pass the same {@code keys} instance.
   */
  @SuppressWarnings("unchecked")
  public synchronized <K, V> TieredCache<K, V> cache(String namespace, KeyCodec<K> keys, ValueCodec<V> codec) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(codec, "codec");
    if (closed) {
      throw new IllegalStateException("the cache registry is closed");
    }
    NamespaceSettings namespaceSettings = settings.get(namespace);
    if (namespaceSettings == null) {
      throw new IllegalArgumentException("no cache namespace '" + namespace + "' in headroom.cache.namespaces; there"
          + " are " + settings.keySet());
    }
    String values = codec.typeId() + " v" + codec.version();
    Opened open = opened.get(namespace);
    if (open != null) {
      if (!open.values().equals(values) || open.keys() != keys) {
        throw new IllegalStateException("cache namespace '" + namespace + "' is open with values " + open.values()
            + (open.keys() != keys ? " and other keys" : "") + "; asked for " + values + " (one value type per"
            + " namespace)");
      }
      return (TieredCache<K, V>) open.cache();
    }
    TieredCache.Builder<K, V> builder = TieredCache.builder(cluster, namespace, keys, codec);
    namespaceSettings.apply().accept(builder);
    TieredCache<K, V> cache = builder.build();
    opened.put(namespace, new Opened(cache, values, keys));
    return cache;
  }

  /** The configured namespaces. */
  public Set<String> names() {
    return settings.keySet();
  }

  /** The caches opened so far, by namespace. */
  public synchronized Map<String, TieredCache<?, ?>> opened() {
    Map<String, TieredCache<?, ?>> out = new LinkedHashMap<>();
    opened.forEach((name, open) -> out.put(name, open.cache()));
    return Collections.unmodifiableMap(out);
  }

  /** The cluster the namespaces live on. */
  public CacheCluster cluster() {
    return cluster;
  }

  /** Closes the caches it opened (they stop hearing invalidations); not the cluster. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    opened.values().forEach(open -> open.cache().close());
  }

  @Override
  public synchronized String toString() {
    return "HeadroomCaches{" + cluster.name() + ", namespaces=" + settings.keySet() + ", open=" + opened.keySet() + '}';
  }

  private record Opened(TieredCache<?, ?> cache, String values, KeyCodec<?> keys) {}
}
