package dev.headroom.spring.cache;

import dev.headroom.redis.CacheCluster;

/**
 * Adjusts the {@link CacheCluster.Builder} after the {@code headroom.cache.*} properties were applied and before it is
 * built: a {@code ReadFrom.subnet(...)} of your own, ACL credentials from a vault, a ticker. Declare one or more as
 * beans; they run in bean order.
 */
@FunctionalInterface
public interface HeadroomCacheCustomizer {

  /** Customizes the builder of the cluster named {@code name}. */
  void customize(String name, CacheCluster.Builder builder);
}
