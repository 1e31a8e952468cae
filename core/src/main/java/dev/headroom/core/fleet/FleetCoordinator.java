package dev.headroom.core.fleet;

import java.time.Duration;

/**
 * What a pool needs from the rest of the fleet when its service runs as several replicas: the other replicas'
 * in-flight per endpoint ({@link PoolLink}'s views), global permits for endpoints with a hard cap, and limits that
 * hold across replicas ({@link #rateLimit}, {@link #window}).
 *
 * <p>{@link #local()} is the default and is exactly one process's behaviour: no view of others, permits that are
 * never refused by anyone else, limits counted in this process. {@code RedisFleet} (module
 * {@code headroom-redis-cluster}) shares them through Redis Cluster.
 *
 * <p>Contract of every implementation:
 * <ul>
 *   <li>Nothing here is called on a pool's pick path except {@link PoolLink#tryAcquire}, and only by pools with
 *       strict caps ({@code PoolConfig.Builder#strictCaps}).
 *   <li>No call blocks longer than the implementation's small command budget. When the shared store does not
 *       answer, the implementation decides locally ({@link #degraded()}), hard caps divided by the last known
 *       {@link #liveReplicas()}, and never throws because coordination is down.
 * </ul>
 */
public interface FleetCoordinator extends AutoCloseable {

  /** The default: this process alone. Shared, stateless between pools, never closed. */
  static FleetCoordinator local() {
    return LocalCoordinator.INSTANCE;
  }

  /** This replica's id, as other replicas see it (the pod name, say). */
  String replicaId();

  /**
   * Joins the pool named {@code pool}: from now on the coordinator publishes what {@code member} reports (on its own
   * schedule, every publish interval) and hands {@code member} the fleet's view of the pool. Pool names must be the
   * same on every replica for them to share.
   *
   * @throws IllegalStateException when a pool of that name already joined through this coordinator
   */
  PoolLink join(String pool, PoolMember member);

  /**
   * A token bucket shared by every replica: {@code tokens} per {@code period}, refilled greedily, at most
   * {@code tokens} at once. The same name on two replicas is the same bucket; the first definition wins.
   */
  RateLimiter rateLimit(String name, long tokens, Duration period);

  /**
   * Amounts (requests, micro-dollars, tokens, …) counted over a sliding window shared by every replica, in
   * {@code slices} slices of {@code window / slices}: what a spend limit needs, where a token bucket would let a
   * second budget through in the first minute.
   */
  SharedWindow window(String name, Duration window, int slices);

  /** Replicas seen alive within the last few heartbeats, this one included; at least 1. */
  int liveReplicas();

  /** Whether decisions are being made locally because the shared store did not answer in time. */
  boolean degraded();

  /** Leaves the fleet: stops publishing, gives back every permit this replica holds. */
  @Override
  void close();
}
