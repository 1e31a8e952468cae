package dev.headroom.spring.cache;

import dev.headroom.redis.TieredCache;
import dev.headroom.redis.TtlPolicy;
import java.util.function.Consumer;

/**
 * The checked settings of one namespace of {@code headroom.cache.namespaces}, applied to a
 * {@link TieredCache.Builder} when the application opens the namespace.
 *
 * @param name the namespace
 * @param ttl its TTL policy
 * @param apply sets L1, TTL policy, early refresh, durable writes, the value size limit and cross-replica single
 *     flight on a builder
 */
record NamespaceSettings(String name, TtlPolicy ttl, Consumer<TieredCache.Builder<?, ?>> apply) {

  /** A namespace with the builders' defaults. */
  static NamespaceSettings defaults(String name) {
    return new NamespaceSettings(name, TtlPolicy.builder().build(), builder -> {});
  }
}
