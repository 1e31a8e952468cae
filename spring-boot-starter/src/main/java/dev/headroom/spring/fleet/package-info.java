/**
 * Auto-configuration of the fleet coordinator: a {@link dev.headroom.redis.fleet.RedisFleet} from
 * {@code headroom.fleet.*} ({@link dev.headroom.spring.fleet.HeadroomFleetProperties}), which every pool and facade
 * the starter builds joins, so that the replicas of a service share load, hard caps and limits through Redis Cluster.
 */
package dev.headroom.spring.fleet;
