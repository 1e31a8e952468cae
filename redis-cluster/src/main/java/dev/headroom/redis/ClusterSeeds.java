package dev.headroom.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to reach the Redis Cluster of a {@link CacheCluster}, for another client of the same cluster that opens its
 * own connections ({@code dev.headroom.redis.fleet.RedisFleet.Builder#cluster}). The credentials travel only inside
 * Lettuce's {@link RedisURI}s, whose {@code toString} never shows them.
 */
public final class ClusterSeeds {
  private ClusterSeeds() {}

  /**
   * The cluster's seeds as Lettuce URIs, with the cluster's credentials (if any) set on each; the caller sets its own
   * timeouts and client name on copies ({@link RedisURI#builder(RedisURI)}).
   */
  public static List<RedisURI> redisUris(CacheCluster cluster) {
    ClusterSettings settings = Objects.requireNonNull(cluster, "cluster").settings();
    List<RedisURI> uris = new ArrayList<>();
    for (java.net.URI seed : settings.seeds()) {
      RedisURI.Builder uri = RedisURI.builder().withHost(seed.getHost()).withPort(seed.getPort());
      if (settings.password() != null) {
        if (settings.user() != null) {
          uri.withAuthentication(settings.user(), settings.password());
        } else {
          uri.withPassword(settings.password());
        }
      }
      uris.add(uri.build());
    }
    return List.copyOf(uris);
  }

  /** The seeds without credentials, for messages and {@code toString}. */
  public static List<java.net.URI> shownSeeds(CacheCluster cluster) {
    return Objects.requireNonNull(cluster, "cluster").settings().seeds();
  }

  /** The first part of the cluster's keys ({@code CacheCluster.Builder#keyPrefix}, default "hr"). */
  public static String keyPrefix(CacheCluster cluster) {
    return Objects.requireNonNull(cluster, "cluster").settings().keyPrefix();
  }
}
