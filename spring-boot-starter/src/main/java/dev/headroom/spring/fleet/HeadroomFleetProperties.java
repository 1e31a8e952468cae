package dev.headroom.spring.fleet;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code headroom.fleet.*}: the replicas of the service share their pools' load, hard caps and limits through a
 * {@link dev.headroom.redis.fleet.RedisFleet} on Redis Cluster. Off unless configured: the coordinator is created when
 * {@code seeds} is set or {@code use-cache-cluster} is true (and {@code enabled} is not false); every other property
 * alone changes nothing, so a shared configuration may set {@code replica-id} for every profile. Every default is
 * the one {@link dev.headroom.redis.fleet.RedisFleet.Builder} uses.
 *
 * <pre>
 * headroom:
 *   fleet:
 *     seeds: ["redis://10.0.0.9:7000", "redis://10.0.0.10:7000"]   # or use-cache-cluster: true
 *     password: ${REDIS_PASSWORD:}
 *     replica-id: ${POD_NAME}                                       # default: $HOSTNAME, else a random id
 * </pre>
 *
 * <p>Every pool, router, LLM router, browser pool and embedding pool the starter builds then joins the fleet. The
 * password, given here or inside a seed, never appears in {@link #toString()}, logs, errors or health details.
 *
 * @param enabled false: no coordinator even when seeds or use-cache-cluster is set; true: startup fails when neither
 *     is; not set: a coordinator exactly when one of them is
 * @param seeds some nodes of the Redis Cluster, as redis://host:port (the rest is discovered); a seed may carry
 *     credentials, redis://:password@host:port or redis://user:password@host:port, the same on every seed
 * @param username the ACL user; the seeds' user, else the default user, when not set
 * @param password the password (none when empty; it wins over a password in the seeds); never logged or shown
 * @param useCacheCluster true: the cluster of headroom.cache (its seeds, credentials and key prefix), on connections of
 *     the fleet's own; instead of seeds
 * @param replicaId this replica's id as the others see it, 1-64 letters, digits and . _ -; default the HOSTNAME
 *     environment variable (the pod name on Kubernetes) when it is one, else a random id. Two live replicas must not
 *     share one: set it when several run on one host
 * @param publishInterval how often this replica publishes its load and heartbeat and reads the others' (the same on
 *     every replica); an entry is stale after three intervals
 * @param permitTtl how long a global permit outlives its holder's last renewal: the bound on how long a dead
 *     replica's permits stay taken (renewed every third of it)
 * @param commandBudget the longest any coordination call waits for Redis before deciding locally (degraded)
 * @param connectTimeout the TCP connect timeout; also the longest startup waits for the first round
 * @param keyPrefix the first part of every key; hr, or headroom.cache.key-prefix with use-cache-cluster, when not
 *     set
 */
@ConfigurationProperties("headroom.fleet")
public record HeadroomFleetProperties(
    Boolean enabled,
    List<String> seeds,
    String username,
    String password,
    @DefaultValue("false") boolean useCacheCluster,
    String replicaId,
    @DefaultValue("250ms") Duration publishInterval,
    @DefaultValue("10s") Duration permitTtl,
    @DefaultValue("50ms") Duration commandBudget,
    @DefaultValue("1s") Duration connectTimeout,
    String keyPrefix) {
  /** Copies the seeds; absent seeds become empty. */
  public HeadroomFleetProperties {
    seeds = seeds == null ? List.of() : List.copyOf(seeds);
  }

  /** Whether the configuration names a cluster: seeds or use-cache-cluster. */
  boolean namesACluster() {
    return useCacheCluster || seeds.stream().anyMatch(seed -> seed != null && !seed.isBlank());
  }

  /**
   * {@code seed} with everything between {@code //} and its last {@code @} replaced by {@code ***}, for messages: a
   * password holding {@code @} or {@code /} is hidden too.
   */
  static String redact(String seed) {
    if (seed == null) {
      return "(missing)";
    }
    int at = seed.lastIndexOf('@');
    if (at < 0) {
      return seed;
    }
    int start = seed.indexOf("//");
    String kept = start >= 0 && start < at ? seed.substring(0, start + 2) : "";
    return kept + "***" + seed.substring(at);
  }

  /** Everything but the password, which shows only as whether it is set, and the seeds' credentials. */
  @Override
  public String toString() {
    List<String> shown = seeds.stream().map(HeadroomFleetProperties::redact).toList();
    return "HeadroomFleetProperties[enabled=" + enabled + ", seeds=" + shown + ", username=" + username
        + ", password=" + (password == null || password.isEmpty() ? "none" : "[redacted]") + ", useCacheCluster="
        + useCacheCluster + ", replicaId=" + replicaId + ", publishInterval=" + publishInterval + ", permitTtl="
        + permitTtl + ", commandBudget=" + commandBudget + ", connectTimeout=" + connectTimeout + ", keyPrefix="
        + keyPrefix + "]";
  }
}
