package dev.headroom.spring.actuate;

import dev.headroom.core.Health;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.TieredCache;
import dev.headroom.redis.TtlTuner;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The L2 of a {@link CacheCluster}: {@code UP} while the Redis Cluster is usable, {@code DOWN} while it is not (the
 * caches then serve from their L1 and loaders, so the application still works, only slower). The details give the
 * masters' highest memory use, whether the memory guard holds TTLs back, and, for every namespace opened on it, the
 * current TTL, the L1 size, the smoothed hit rate and whether its target is out of reach. No seed or credential is
 * shown.
 */
public final class CacheHealthIndicator implements HealthIndicator {
  private final CacheCluster cluster;
  private final Supplier<Map<String, TieredCache<?, ?>>> caches;

  /**
   * @param cluster the cluster to report on
   * @param caches the caches open on it, by namespace
   */
  public CacheHealthIndicator(CacheCluster cluster, Supplier<Map<String, TieredCache<?, ?>>> caches) {
    this.cluster = cluster;
    this.caches = caches;
  }

  @Override
  public org.springframework.boot.health.contributor.Health health() {
    Health l2 = cluster.health();
    Map<String, Object> namespaces = new LinkedHashMap<>();
    caches.get().forEach((name, cache) -> {
      TtlTuner tuner = cache.tuner();
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("ttl", tuner.currentTtl().toString());
      detail.put("l1Size", cache.l1Size());
      tuner.smoothedHitRate().ifPresent(rate -> detail.put("hitRate", rate));
      detail.put("hitTarget", tuner.policy().targetLow() + "-" + tuner.policy().targetHigh());
      detail.put("targetUnreachable", tuner.infeasible());
      namespaces.put(name, detail);
    });
    return org.springframework.boot.health.contributor.Health.status(l2 == Health.UP ? Status.UP : Status.DOWN)
        .withDetail("l2", l2.name())
        .withDetail("memoryUse", cluster.memoryUse())
        .withDetail("memoryPressure", cluster.memoryPressure())
        .withDetail("namespaces", namespaces)
        .build();
  }
}
