package dev.headroom.redis;

import dev.headroom.core.Checks;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Seeds of a Redis Cluster and their credentials, for every client of this module: the one parser of
 * {@code redis://[user:password@]host:port} seed lists ({@link CacheCluster.Builder#seeds} and the fleet
 * coordinator's), and how another client reaches the cluster of a {@link CacheCluster} with its own connections
 * ({@code dev.headroom.redis.fleet.RedisFleet.Builder#cluster}). Credentials travel only inside Lettuce's
 * {@link RedisURI}s, whose {@code toString} never shows them, and in {@link Parsed}, whose {@code toString} does not.
 */
public final class ClusterSeeds {
  private ClusterSeeds() {}

  /**
   * The cluster's seeds as Lettuce URIs, with the cluster's credentials (if any) set on each; the caller sets its own
   * timeouts and client name on copies ({@link RedisURI#builder(RedisURI)}).
   */
  public static List<RedisURI> redisUris(CacheCluster cluster) {
    ClusterSettings settings = Objects.requireNonNull(cluster, "cluster").settings();
    return redisUris(settings.seeds(), settings.user(), settings.password());
  }

  /** The seeds without credentials, for messages and {@code toString}. */
  public static List<URI> shownSeeds(CacheCluster cluster) {
    return Objects.requireNonNull(cluster, "cluster").settings().seeds();
  }

  /** The first part of the cluster's keys ({@code CacheCluster.Builder#keyPrefix}, default "hr"). */
  public static String keyPrefix(CacheCluster cluster) {
    return Objects.requireNonNull(cluster, "cluster").settings().keyPrefix();
  }

  /**
   * Seeds split from their credentials.
   *
   * @param shown the seeds without user info, for settings, logs and messages
   * @param user the ACL user named in the seeds, or null (the default user)
   * @param password the password the seeds carry, or null
   */
  public record Parsed(List<URI> shown, String user, char[] password) {
    @Override
    public String toString() {
      return "Seeds" + shown + (password == null ? "" : " (with credentials)");
    }
  }

  /**
   * Checks {@code values} (each {@code redis://host:port}, optionally with {@code user:password@} or
   * {@code :password@}) and splits off their credentials, which every seed that carries any must carry alike.
   *
   * @param checks names the owner and the setting ({@code seeds}) in the {@link dev.headroom.core.ConfigException}
   */
  public static Parsed parse(List<URI> values, Checks checks) {
    Objects.requireNonNull(values, "seeds");
    List<URI> shown = new ArrayList<>();
    String seedUser = null;
    char[] seedPassword = null;
    boolean credentials = false;
    for (URI uri : values) {
      URI redacted = uri == null ? null : redact(uri);
      if (uri == null || !"redis".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
        throw checks.invalid("seeds", redacted, "must be redis://host:port");
      }
      String userInfo = uri.getUserInfo();
      if (userInfo != null) {
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? null : userInfo.substring(0, colon);
        char[] secret = (colon < 0 ? userInfo : userInfo.substring(colon + 1)).toCharArray();
        if (user != null && user.isEmpty()) {
          user = null; // redis://:password@host: the default user
        }
        if (credentials && (!Objects.equals(user, seedUser) || !Arrays.equals(secret, seedPassword))) {
          throw checks.invalid("seeds", redacted,
              "carries other credentials than an earlier seed; give every seed the same ones (or none)");
        }
        credentials = true;
        seedUser = user;
        seedPassword = secret;
      }
      shown.add(redacted);
    }
    return new Parsed(List.copyOf(shown), seedUser, seedPassword);
  }

  /** Lettuce URIs of {@code seeds}, authenticated with {@code user}/{@code password} when a password is given. */
  public static List<RedisURI> redisUris(List<URI> seeds, String user, char[] password) {
    List<RedisURI> uris = new ArrayList<>();
    for (URI seed : seeds) {
      RedisURI.Builder uri = RedisURI.builder().withHost(seed.getHost()).withPort(seed.getPort());
      if (password != null) {
        if (user != null) {
          uri.withAuthentication(user, password);
        } else {
          uri.withPassword(password);
        }
      }
      uris.add(uri.build());
    }
    return List.copyOf(uris);
  }

  /** The URI without its user info (the password). */
  public static URI redact(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri;
    }
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
          uri.getFragment());
    } catch (URISyntaxException e) {
      return URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort());
    }
  }
}
