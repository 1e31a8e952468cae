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
 *   <li><b>Secrets and keys.</b> Credentials in seed URIs authenticate and are stripped from everything shown; keys
 *       that are not valid UTF-16 are refused rather than colliding once encoded as UTF-8.
 * </ul>
 */
package dev.headroom.redis;
