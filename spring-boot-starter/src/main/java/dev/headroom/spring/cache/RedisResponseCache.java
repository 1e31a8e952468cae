package dev.headroom.spring.cache;

import dev.headroom.llm.ResponseCache;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.JacksonCodec;
import dev.headroom.redis.TieredCache;
import dev.headroom.redis.TtlPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The LLM router's {@link ResponseCache} on a {@link TieredCache}: answers to deterministic requests (temperature 0 or
 * a fixed seed) are shared by every client of the Redis Cluster, with a Caffeine L1 in each process and the
 * namespace's own TTL policy, tuned toward a hit-rate target.
 *
 * <pre>{@code
 * LlmRouter llm = LlmRouter.builder()
 *     .node(...)
 *     .responseCache(RedisResponseCache.create(cluster, TtlPolicy.builder().bounds(ofMinutes(5), ofHours(6)).build()))
 *     .build();
 * }</pre>
 *
 * <p>The TTL of an entry is the namespace policy's (tuned), not the router's suggested {@code ttl}: set the policy's
 * bounds to what the router would use. It lives in the starter, which wires it
 * ({@code headroom.cache.llm-responses.enabled}), so that {@code headroom-redis-cluster} does not depend on the LLM
 * router; it needs both modules on the class path. Like every {@code ResponseCache}, a failing cache never fails a
 * request: when Redis is down, reads miss and writes are dropped (the tiered cache degrades to its L1).
 */
public final class RedisResponseCache implements ResponseCache, AutoCloseable {
  /** The cache namespace the answers live in. */
  public static final String NAMESPACE = "llm-responses";

  private final TieredCache<String, String> cache;

  private RedisResponseCache(TieredCache<String, String> cache) {
    this.cache = cache;
  }

  /**
   * A response cache in namespace {@value #NAMESPACE} of {@code cluster}, with 10,000 answers in L1 for at most a
   * minute and {@code ttl} in Redis.
   */
  public static RedisResponseCache create(CacheCluster cluster, TtlPolicy ttl) {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(ttl, "ttl");
    return new RedisResponseCache(TieredCache.builder(cluster, NAMESPACE, JacksonCodec.of(String.class, 1))
        .l1(10_000, Duration.ofMinutes(1))
        .ttl(ttl)
        .build());
  }

  /** A response cache over a tiered cache you built (its namespace should hold nothing else). */
  public static RedisResponseCache over(TieredCache<String, String> cache) {
    return new RedisResponseCache(Objects.requireNonNull(cache, "cache"));
  }

  @Override
  public Optional<String> get(String key) {
    return cache.get(key);
  }

  @Override
  public void put(String key, String text, Duration ttl) {
    cache.put(key, text);
  }

  /** The tiered cache underneath (for its tuner and metrics). */
  public TieredCache<String, String> cache() {
    return cache;
  }

  /** Closes the tiered cache (not the cluster connection, which may be shared). */
  @Override
  public void close() {
    cache.close();
  }

  @Override
  public String toString() {
    return "RedisResponseCache{" + cache + '}';
  }
}
