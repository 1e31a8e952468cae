/**
 * A two-tier cache: {@link dev.headroom.redis.TieredCache} namespaces with L1 in the JVM (Caffeine) over L2 in a
 * Redis Cluster shared by every instance ({@link dev.headroom.redis.CacheCluster}, Lettuce).
 *
 * <h2>Why faults stay local</h2>
 *
 * <ul>
 *   <li><b>Health per master.</b> Failed commands (errors, timeouts) are counted against the master that owns the
 *       key's slot ({@code NodeHealth}, from Lettuce's partitions), never against the whole cache: losing one master
 *       of three sends only its slots' keys to the loaders, the other masters keep serving theirs, and its recovery
 *       (it answers again, or a failover moved its slots) drops only the L1 entries of its slots. L2 as a whole is
 *       DOWN only before the first connection and when every master is down.
 *   <li><b>A bad key is not a bad node.</b> A key of another Redis type ({@code WRONGTYPE}), a value that does not
 *       decode or one over the namespace's {@code maxValueBytes} is a miss, deleted and counted
 *       ({@code headroom.cache.l2.errors{kind}}); it never counts towards a master's failures. Reads use
 *       {@code GETRANGE key 0 maxValueBytes}, so an oversized value costs a bounded transfer, not the read timeout.
 *   <li><b>Invalidations do not depend on the publisher.</b> Sharded pub/sub is fire-and-forget, so a subscriber that
 *       sees a sequence gap, re-subscribes, or loses the connection to the node serving its channel clears that
 *       namespace's L1, and keeps it unused until it hears the channel again. Publishers retry a failed publish
 *       (bounded) and {@code put} reports false until it got through.
 *   <li><b>Coordination steps aside.</b> Cross-replica single flight ({@code ReplicaFlight}: one replica loads a
 *       missing key, the others wait a bounded time for its value) asks L2 only when the read that missed was
 *       answered; a timeout, an error or a down master makes the loader run at once, and a dead loader holds the
 *       others back at most its lock's TTL.
 *   <li><b>Secrets and keys.</b> Credentials in seed URIs authenticate and are stripped from everything shown; keys
 *       that are not valid UTF-16 are refused rather than colliding once encoded as UTF-8.
 * </ul>
 *
 * <h2>Expiry, bulk writes, purges and warming</h2>
 *
 * <ul>
 *   <li><b>{@code ttl_expired}</b> ({@code headroom.cache.ttl.expired{namespace}}) counts reads that found their entry
 *       gone because its TTL passed. Definition: an L2 lookup (after an L1 miss, which includes an L1 entry that
 *       expired with its L2 TTL) that Redis answered with a miss, for a key whose last value this process wrote or
 *       read, whose expiry time (in the entry's header, the writer's wall clock) has passed, and that was not
 *       invalidated since (here, or by a message on the invalidation channel). Cheap: one bounded map entry (key to
 *       expiry, as many as L1 holds at most) per value written or read from L2, nothing on L1 hits; each entry counts
 *       once. Not counted: keys never seen here, deletes and invalidations, evictions under {@code maxmemory} before
 *       the expiry, L2 reads that failed, and reads much later than the expiry (more than the entry's remaining TTL
 *       when it was seen, at least a minute).
 *   <li><b>{@code putAll}</b> encodes every entry first (a bad one changes nothing), then pipelines the SETs per slot
 *       on Lettuce's async API and publishes one invalidation per key.
 *   <li><b>{@code invalidateMatching(glob)}</b> SCANs every master with {@code MATCH <prefix>:<namespace>:<glob>},
 *       UNLINKs in batches, and publishes one pattern message ({@code <publisher> <sequence>* <glob>}, in the same
 *       sequence as the key messages) on which the other instances drop their matching L1 entries, matched by a port
 *       of Redis' own glob matcher ({@code RedisGlob}) on the same UTF-8 bytes.
 *   <li><b>Warming</b> writes what a supplier returns through {@code putAll}, once at build time
 *       ({@code warmOnStartup}) or every interval on the cluster's scheduler and the refresh executor
 *       ({@code warmEvery}, stopped by {@code close()}); a failing supplier is counted
 *       ({@code headroom.cache.loads{kind=warm}}) and logged, never fatal.
 * </ul>
 *
 * <h2>Construction and errors</h2>
 *
 * {@link dev.headroom.redis.CacheCluster.Builder#build()} and {@link dev.headroom.redis.TieredCache.Builder#build()}
 * validate into immutable settings ({@code ClusterSettings}, {@code TieredCacheSettings}) that the cluster and the
 * cache read; nothing holds or reads a builder after {@code build()}. A rejected setting is a
 * {@link dev.headroom.core.ConfigException} from core's {@link dev.headroom.core.Checks} whose subject is the owner
 * ({@code cache cluster}, {@code cache 'reports'}, {@code ttl}, {@code codec}) and whose path is the builder's name
 * for the setting ({@code readTimeout}, {@code memoryGuard.share}, {@code l1.ttl}, {@code maxTtl}), so a
 * configuration layer (the Spring starter) can name its own property from the path.
 *
 * <h2>Public surface and dependencies</h2>
 *
 * Users touch the cluster and the cache with their builders, the TTL policy and its tuner (for simulations), the
 * codecs and the loader, the exceptions and the meter names ({@link dev.headroom.redis.CacheMetricNames};
 * {@code NamespaceMetrics} records them per namespace). Everything else (L1 store, L2 client, invalidation bus,
 * health) is package-private, but for {@link dev.headroom.redis.ClusterSeeds}: the one parser of seed lists with
 * credentials, and the bridge that lets the fleet coordinator ({@code dev.headroom.redis.fleet}) open its own client
 * to a cache's cluster with the same credentials.
 * This module depends on core only: the LLM router's response cache on Redis lives in
 * the Spring starter ({@code dev.headroom.spring.cache.RedisResponseCache}), which wires both.
 */
package dev.headroom.redis;
