package dev.headroom.spring.fleet;

import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.fleet.RedisFleet;
import dev.headroom.spring.PropertyErrors;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps {@code headroom.fleet.*} onto a {@link RedisFleet.Builder}, naming every rejected value by its property (a
 * seed only without its credentials). Everything is checked before the coordinator connects.
 */
final class FleetFactory {
  static final String AT = "headroom.fleet";
  private static final Logger LOG = LoggerFactory.getLogger(FleetFactory.class);
  /** What {@link RedisFleet.Builder#replicaId} accepts. */
  private static final Pattern REPLICA_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private FleetFactory() {}

  /**
   * The builder, every setting checked.
   *
   * @param cache the CacheCluster bean, for use-cache-cluster
   * @param hostname the HOSTNAME environment variable, the default replica id; null or blank when not set
   */
  static RedisFleet.Builder builder(HeadroomFleetProperties p, Optional<CacheCluster> cache,
      Optional<MeterRegistry> registry, String hostname) {
    RedisFleet.Builder b = RedisFleet.builder();
    boolean seeds = p.seeds().stream().anyMatch(seed -> seed != null && !seed.isBlank());
    if (p.useCacheCluster()) {
      if (seeds) {
        throw PropertyErrors.invalid(AT + ".use-cache-cluster", true, "must not be set together with " + AT
            + ".seeds");
      }
      b.cluster(cache.orElseThrow(() -> PropertyErrors.invalid(AT + ".use-cache-cluster", true,
          "needs the CacheCluster of headroom.cache (set headroom.cache.uris)")));
    } else if (seeds) {
      List<URI> uris = new ArrayList<>();
      for (int i = 0; i < p.seeds().size(); i++) {
        uris.add(seed(AT + ".seeds[" + i + "]", p.seeds().get(i)));
      }
      PropertyErrors.as(AT + ".seeds", () -> b.seeds(uris)); // seeds with different credentials
    } else {
      throw PropertyErrors.invalid(AT + ".seeds", "[]", "must name at least one redis://host:port of the cluster"
          + " (or set " + AT + ".use-cache-cluster)");
    }
    // empty means none, so that password: ${REDIS_PASSWORD:} works where there is no password
    boolean password = p.password() != null && !p.password().isEmpty();
    boolean username = p.username() != null && !p.username().isBlank();
    if (password && username) {
      b.credentials(p.username(), p.password().toCharArray());
    } else if (password) {
      b.password(p.password().toCharArray());
    } else if (username) {
      throw PropertyErrors.invalid(AT + ".username", p.username(), "needs " + AT + ".password");
    }
    if (p.replicaId() != null) {
      PropertyErrors.at(AT, () -> b.replicaId(p.replicaId()));
    } else if (hostname != null && REPLICA_ID.matcher(hostname).matches()) {
      b.replicaId(hostname);
    } else if (hostname != null && !hostname.isBlank()) {
      LOG.warn("{}.replica-id: the HOSTNAME '{}' is not 1-64 of letters, digits and . _ -; a random id is used"
          + " (set {}.replica-id)", AT, hostname, AT);
    }
    PropertyErrors.at(AT, () -> b.publishInterval(p.publishInterval())
        .permitTtl(p.permitTtl())
        .commandBudget(p.commandBudget())
        .connectTimeout(p.connectTimeout()));
    if (p.keyPrefix() != null) {
      PropertyErrors.at(AT, () -> b.keyPrefix(p.keyPrefix()));
    }
    registry.ifPresent(b::meterRegistry);
    return b;
  }

  /** Connects and runs the first round (never fails for a down Redis: the coordinator starts degraded). */
  static RedisFleet build(RedisFleet.Builder builder) {
    return PropertyErrors.at(AT, builder::build);
  }

  private static URI seed(String property, String value) {
    String shown = HeadroomFleetProperties.redact(value);
    if (value == null || value.isBlank()) {
      throw PropertyErrors.invalid(property, "'" + shown + "'", "must be redis://host:port");
    }
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw PropertyErrors.invalid(property, shown, "must be redis://host:port (percent-encode a password's"
          + " special characters)");
    }
    if (!"redis".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
      throw PropertyErrors.invalid(property, shown, "must be redis://host:port");
    }
    return uri;
  }
}
