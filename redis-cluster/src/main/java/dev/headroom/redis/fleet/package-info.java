/**
 * Fleet coordination on Redis Cluster: {@link dev.headroom.redis.fleet.RedisFleet}, the implementation of core's
 * {@link dev.headroom.core.fleet.FleetCoordinator} for a service that runs as several replicas.
 *
 * <h2>Keys</h2>
 *
 * Each pool's keys share the hash tag {@code {hr:<pool>}} (one slot: one Lua script sees them all):
 * <ul>
 *   <li>{@code {hr:<pool>}:permits:<endpoint>}: ZSET of the endpoint's global permits, member
 *       {@code <replica>:<seq>}, score = expiry in ms. Acquire is one script: drop expired members, then add one if
 *       fewer than the cap remain. Every third of the permit TTL one script per pool pushes all of this replica's
 *       permits forward (adding any that Redis lacks); a release is an asynchronous {@code ZREM}.
 *   <li>{@code {hr:<pool>}:load}: HASH, field {@code <replica>:<endpoint>} = {@code inFlight,latencyMillis,expiresAtMs}.
 *       Every publish interval one script writes this replica's entries, deletes its entries for endpoints it no
 *       longer reports and every expired entry, and returns the others' entries, which become the pool's
 *       {@link dev.headroom.core.fleet.FleetView}.
 *   <li>{@code {hr:fleet}:replicas}: ZSET of replica ids scored by the expiry of their last heartbeat (sent with the
 *       load, every publish interval); the live count is its size after expired members are dropped.
 *   <li>{@code {hr:ratelimit:<name>}}: a Bucket4j bucket (Lettuce compare-and-swap proxy).
 *   <li>{@code {hr:window:<name>}}: HASH of a sliding window, field = slice id, value = the slice's amounts.
 * </ul>
 * Entries and heartbeats expire after three publish intervals; keys carry a Redis TTL past their last member, so
 * nothing outlives the fleet. The prefix {@code hr} is {@link dev.headroom.redis.fleet.RedisFleet.Builder#keyPrefix}.
 *
 * <h2>Clocks</h2>
 *
 * Permit expiries, heartbeats, load entries and window slices use the Redis server's clock ({@code TIME} inside
 * the scripts), never the replicas'. After a failover the promoted replica's clock takes over: a skew between the two
 * shifts expiries by that much. Bucket4j refills by each replica's own clock, so rate limits assume the replicas'
 * clocks agree within a small fraction of the period.
 *
 * <h2>What holds</h2>
 *
 * <ul>
 *   <li><b>Exactly</b>, while Redis answers within the command budget: a cap (no more than {@code cap} permits of an
 *       endpoint exist at once), a rate limit, a window's maxima. Each decision is one atomic script or Bucket4j
 *       compare-and-swap on the slot's master.
 *   <li><b>Within one publish interval</b> (plus the other replica's): the load view. Entries of a replica that
 *       died leave the view within three publish intervals; its permits are free again within one permit TTL.
 *   <li><b>Degraded</b> (a call had no reply within the budget, or failed; at start until Redis first answers):
 *       every call decides locally and nothing throws. A replica may hold {@code max(1, cap / live)} permits of an
 *       endpoint (live = the last known count, which does not fall while degraded: the others' heartbeats expire
 *       while Redis does not answer; 1, so the whole cap, if Redis never answered), and no more than the cap less
 *       what the others had in flight in the last view while that view is fresh; a rate limit is a
 *       local bucket of {@code tokens / live}, a window a local one with each maximum divided by {@code live}. If
 *       every replica is degraded, the sum holds (for caps at least the live count). While only some are, a cap can
 *       be exceeded by at most what the degraded replicas hold: their permits expire in Redis one TTL after the last
 *       renewal that got through, and the others may take them again. Each publish round probes Redis; when a whole
 *       round answers, the replica is back in shared mode; for a grace of the longer of three publish intervals and
 *       a third of the permit TTL it still takes no more than its local share (the others' local permits may not
 *       be back in Redis yet), and the permits it granted meanwhile are written to Redis
 *       at once, so that releases and renewals stay consistent: the set may then exceed the cap briefly, and new
 *       permits are refused until it is below again. Degradation is per coordinator, not per slot: one master that
 *       does not answer makes the whole coordinator degraded.
 *   <li><b>During a failover</b>: replication is asynchronous, so the promoted replica may lack the last permits the
 *       dead master granted; the cap can be exceeded by those until their holders' next renewal (within a third of
 *       the TTL after the failover) writes them back. Commands to the dead master fail at once (Lettuce rejects
 *       commands while disconnected), so the replicas are degraded, not blocked, until the topology shows the new
 *       master.
 * </ul>
 */
package dev.headroom.redis.fleet;
