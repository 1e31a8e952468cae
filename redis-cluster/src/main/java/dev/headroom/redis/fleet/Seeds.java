package dev.headroom.redis.fleet;

import dev.headroom.core.Checks;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Seed URIs as a user gives them ({@code redis://host:port}, optionally {@code redis://user:password@host:port}),
 * split into Lettuce URIs that carry the credentials and the same URIs without them, for messages.
 *
 * @param shown the seeds without user info
 * @param user the user named in the seeds, or null
 * @param password the password given in the seeds, or null
 */
record Seeds(List<URI> shown, String user, char[] password) {

  /** Checks and splits {@code values}; every seed that carries credentials must carry the same. */
  static Seeds parse(List<URI> values, Checks checks) {
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
    return new Seeds(List.copyOf(shown), seedUser, seedPassword);
  }

  /** Lettuce URIs of the seeds, authenticated with {@code user}/{@code password} when a password is given. */
  static List<RedisURI> redisUris(List<URI> shown, String user, char[] password) {
    List<RedisURI> uris = new ArrayList<>();
    for (URI seed : shown) {
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

  /** The URI without its user info. */
  static URI redact(URI uri) {
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

  @Override
  public String toString() {
    return "Seeds{" + shown + ", user=" + user + ", password=" + (password == null ? "none" : "****") + '}';
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Seeds s && shown.equals(s.shown) && Objects.equals(user, s.user)
        && Arrays.equals(password, s.password);
  }

  @Override
  public int hashCode() {
    return shown.hashCode();
  }
}
