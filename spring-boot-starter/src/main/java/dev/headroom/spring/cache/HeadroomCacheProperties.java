package dev.headroom.spring.cache;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code headroom.cache.*}: a {@link dev.headroom.redis.CacheCluster} (the connection to a Redis Cluster used as L2)
 * and {@link dev.headroom.redis.TieredCache} namespaces on it, each with its L1 and its TTL policy, handed out by
 * {@link HeadroomCaches}; optionally the LLM router's response cache on Redis. Every default is the one
 * {@link dev.headroom.redis.CacheCluster.Builder}, {@link dev.headroom.redis.TieredCache.Builder} and
 * {@link dev.headroom.redis.TtlPolicy.Builder} use.
 *
 * <pre>
 * headroom:
 *   cache:
 *     uris: ["redis://10.0.0.1:7000", "redis://10.0.0.2:7000"]
 *     password: ${REDIS_PASSWORD}
 *     read-from: replica-preferred
 *     namespaces:
 *       fast:     {l1: {max-size: 10000, ttl: 60s}, ttl: {initial: 5m, target-hit-rate: {low: 0.60, high: 0.75}}}
 *       creative: {ttl: {initial: 30m, min: 10m, max: 2h}}   # seed 002's 30 minutes, as TtlPolicy.creative()
 *     llm-responses: {enabled: true}
 * </pre>
 *
 * <p>The cluster starts even when Redis is down (the caches then serve from L1 and their loaders) and closes with
 * the context. The password never appears in {@link #toString()}, logs or errors.
 *
 * @param enabled whether the cache is set up when headroom.cache is configured
 * @param name the cluster's name: the cache metric tag and the health component's entry
 * @param uris some nodes of the cluster, as redis://host:port (the rest is discovered); credentials go in
 *     username and password, not here
 * @param username the ACL user; the default user when not set
 * @param password the password (none when empty); never logged, shown or put in an error
 * @param readFrom where cache reads go: replica-preferred, replica, master, master-preferred, lowest-latency, any,
 *     any-replica, or subnet:10.0.0.0/8,... (writes and reads just after an invalidation go to the master)
 * @param commandTimeout Lettuce's command timeout, for writes and probes
 * @param readTimeout how long a read waits for L2 before the cache serves a miss or calls the loader
 * @param connectTimeout the TCP connect timeout
 * @param topologyRefreshPeriod the periodic topology refresh (adaptive triggers refresh sooner)
 * @param failureThreshold consecutive failed L2 commands on one master's keys that mark that master down (only its
 *     keys then go to the loaders)
 * @param probeInterval how often a down L2 is probed and subscriptions are checked
 * @param settleTime how long TTL tuners stay frozen after L2 recovers
 * @param masterReadWindow after an invalidation, refills of the key read from the master for this long
 * @param memoryGuard stop raising TTLs when a master's memory use passes a share of its maxmemory
 * @param keyPrefix the first part of every key and channel
 * @param clientName the CLIENT SETNAME of every connection; headroom-cache-&lt;name&gt; when not set
 * @param ioThreads Netty I/O threads
 * @param namespaces the cache namespaces by name (letters, digits and . _ -), each with its L1 and TTL policy
 * @param llmResponses the LLM router's response cache on Redis
 */
@ConfigurationProperties("headroom.cache")
public record HeadroomCacheProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("cache") String name,
    List<URI> uris,
    String username,
    String password,
    @DefaultValue("replica-preferred") String readFrom,
    @DefaultValue("1s") Duration commandTimeout,
    @DefaultValue("100ms") Duration readTimeout,
    @DefaultValue("1s") Duration connectTimeout,
    @DefaultValue("30s") Duration topologyRefreshPeriod,
    @DefaultValue("3") int failureThreshold,
    @DefaultValue("1s") Duration probeInterval,
    @DefaultValue("1m") Duration settleTime,
    @DefaultValue("2s") Duration masterReadWindow,
    @DefaultValue MemoryGuard memoryGuard,
    @DefaultValue("hr") String keyPrefix,
    String clientName,
    @DefaultValue("2") int ioThreads,
    Map<String, Namespace> namespaces,
    @DefaultValue LlmResponses llmResponses) {

  /** Copies the collections; absent ones become empty. */
  public HeadroomCacheProperties {
    uris = uris == null ? List.of() : List.copyOf(uris);
    namespaces = namespaces == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(namespaces));
  }

  /** Everything but the password, which shows only as whether it is set (and any credentials in the URIs). */
  @Override
  public String toString() {
    List<String> shown = uris.stream().map(u -> u == null || u.getRawUserInfo() == null ? String.valueOf(u)
        : u.getScheme() + "://***@" + u.getHost() + ":" + u.getPort()).toList();
    return "HeadroomCacheProperties[enabled=" + enabled + ", name=" + name + ", uris=" + shown + ", username="
        + username + ", password=" + (password == null || password.isEmpty() ? "none" : "[redacted]")
        + ", readFrom=" + readFrom
        + ", commandTimeout=" + commandTimeout + ", readTimeout=" + readTimeout + ", connectTimeout="
        + connectTimeout + ", topologyRefreshPeriod=" + topologyRefreshPeriod + ", failureThreshold="
        + failureThreshold + ", probeInterval=" + probeInterval + ", settleTime=" + settleTime
        + ", masterReadWindow=" + masterReadWindow + ", memoryGuard=" + memoryGuard + ", keyPrefix=" + keyPrefix
        + ", clientName=" + clientName + ", ioThreads=" + ioThreads + ", namespaces=" + namespaces
        + ", llmResponses=" + llmResponses + "]";
  }

  /**
   * The memory guard: {@code headroom.cache.memory-guard.*}.
   *
   * @param share the share of maxmemory past which TTLs are not raised, in (0, 1]
   * @param interval how often the masters' memory use is read
   */
  public record MemoryGuard(@DefaultValue("0.9") double share, @DefaultValue("30s") Duration interval) {}

  /**
   * One cache namespace: {@code headroom.cache.namespaces.<name>.*}.
   *
   * @param l1 the in-process tier
   * @param ttl how the L2 TTL is chosen
   * @param earlyRefresh XFetch's beta: higher refreshes hot keys earlier before they expire (0: off), in [0, 100]
   * @param durableWrites wait for replicas to have each write
   * @param maxValueSize the largest encoded value written to or read from Redis: a bigger put is refused, a bigger
   *     stored value is a miss
   * @param replicaSingleFlight one replica loads a missing key, the others wait for its value
   */
  public record Namespace(
      @DefaultValue L1 l1,
      @DefaultValue Ttl ttl,
      @DefaultValue("1.0") double earlyRefresh,
      @DefaultValue DurableWrites durableWrites,
      @DefaultValue("1MB") DataSize maxValueSize,
      @DefaultValue ReplicaSingleFlight replicaSingleFlight) {}

  /**
   * The in-process tier of a namespace: {@code headroom.cache.namespaces.<name>.l1.*}.
   *
   * @param enabled whether the namespace has an L1 (without it every read goes to Redis)
   * @param maxSize the most entries kept
   * @param ttl how long an entry lives in L1 (never longer than in L2), at most ttl.max
   */
  public record L1(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("10000") long maxSize,
      @DefaultValue("60s") Duration ttl) {}

  /**
   * How a namespace's L2 TTL is chosen: {@code headroom.cache.namespaces.<name>.ttl.*}. A tuner measures the hit
   * rate and steps the TTL within [min, max] to keep it in the target band.
   *
   * @param initial the TTL before any tuning
   * @param min the lowest TTL the tuner may choose
   * @param max the highest TTL the tuner may choose
   * @param targetHitRate the hit-rate band the tuner keeps the namespace in
   * @param raiseFactor the multiplier when raising, > 1
   * @param lowerFactor the multiplier when lowering, in (0, 1)
   * @param jitter each written TTL varies at random by up to this share, in [0, 0.5]
   * @param minWindow the shortest measurement window (a window also lasts at least the current TTL)
   * @param minSamples the fewest requests a window needs
   * @param smoothing the weight of the newest window in the smoothed hit rate, in (0, 1]
   * @param warmUp no decision before this much time; the initial TTL when not set
   * @param infeasibleAfter windows at the max TTL and below target before the target is reported unreachable
   * @param tuning false for a fixed TTL (initial; only jitter is applied)
   */
  public record Ttl(
      @DefaultValue("5m") Duration initial,
      @DefaultValue("30s") Duration min,
      @DefaultValue("1h") Duration max,
      @DefaultValue TargetHitRate targetHitRate,
      @DefaultValue("1.5") double raiseFactor,
      @DefaultValue("0.8") double lowerFactor,
      @DefaultValue("0.1") double jitter,
      @DefaultValue("1m") Duration minWindow,
      @DefaultValue("1000") long minSamples,
      @DefaultValue("0.5") double smoothing,
      Duration warmUp,
      @DefaultValue("3") int infeasibleAfter,
      @DefaultValue("true") boolean tuning) {}

  /**
   * The hit-rate band: {@code headroom.cache.namespaces.<name>.ttl.target-hit-rate.*}.
   *
   * @param low below this smoothed hit rate the TTL is raised, in (0, 1)
   * @param high above this smoothed hit rate the TTL is lowered, in (low, 1]
   */
  public record TargetHitRate(@DefaultValue("0.60") double low, @DefaultValue("0.75") double high) {}

  /**
   * Durable writes: {@code headroom.cache.namespaces.<name>.durable-writes.*}. A put then sends WAIT and succeeds only
   * when this many replicas have the write, so a failover cannot lose it.
   *
   * @param replicas replicas that must have each write (0: off)
   * @param timeout how long a put waits for them; required when replicas is set
   */
  public record DurableWrites(@DefaultValue("0") int replicas, Duration timeout) {}

  /**
   * Cross-replica single flight: {@code headroom.cache.namespaces.<name>.replica-single-flight.*}. On a miss in L1
   * and Redis, the replica that takes the key's loading lock in Redis runs the loader and the others wait for its
   * value; when Redis does not answer every replica loads, as with it off. See
   * {@link dev.headroom.redis.TieredCache.Builder#replicaSingleFlight(Duration)}.
   *
   * @param enabled whether a key missing from the cache is loaded by one replica while the others wait for its value
   *     (false: every replica that misses it runs the loader)
   * @param maxWait how long a replica waits for another's load before loading the key itself (set it above the
   *     loader's usual duration); also how long a dead replica's loading lock lasts, in [1ms, 10m]
   */
  public record ReplicaSingleFlight(@DefaultValue("true") boolean enabled, @DefaultValue("5s") Duration maxWait) {}

  /**
   * The LLM router's response cache on Redis: {@code headroom.cache.llm-responses.*}. When on, answers to
   * deterministic requests live in the namespace llm-responses (configure it under namespaces like any other) and
   * every client of the cluster shares them.
   *
   * @param enabled whether a RedisResponseCache bean is created (the LLM router uses it)
   */
  public record LlmResponses(@DefaultValue("false") boolean enabled) {}
}
