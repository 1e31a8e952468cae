package dev.headroom.redis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The validated, immutable settings of one {@link TieredCache}, made by {@link TieredCache.Builder#build()}; the
 * cache reads these, never the builder.
 *
 * @param l1MaximumSize and {@code l1Ttl}: meaningful only when {@code l1Enabled}
 * @param durableReplicas 0: no {@code WAIT} after a write
 * @param replicaSingleFlightWait how long a miss waits for another replica's load; null: cross-replica single flight
 *     off
 * @param warmEvery the periodic warming's source; null: none
 * @param warmInterval the periodic warming's interval, when {@code warmEvery} is set
 */
record TieredCacheSettings<K, V>(CacheCluster cluster, String namespace, KeyCodec<K> keys, ValueCodec<V> codec,
    boolean l1Enabled, long l1MaximumSize, Duration l1Ttl, TtlPolicy ttl, double earlyRefreshBeta,
    Executor refreshExecutor, int durableReplicas, Duration durableTimeout, int maxValueBytes,
    Duration replicaSingleFlightWait, Supplier<? extends Map<? extends K, ? extends V>> warmEvery,
    Duration warmInterval) {}
