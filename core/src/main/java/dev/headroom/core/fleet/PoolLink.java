package dev.headroom.core.fleet;

/**
 * A pool's handle on the fleet, from {@link FleetCoordinator#join}. Permits are fungible per endpoint: this replica
 * holds a count of them, and {@link #release} gives one back.
 */
public interface PoolLink extends AutoCloseable {

  /**
   * Takes one of {@code cap} permits of {@code endpoint} across the fleet, or returns false when all are held.
   * Held permits are renewed by the coordinator until released, and expire when their owner dies. Bounded by the
   * coordinator's command budget; when the shared store does not answer, decides locally: this replica may hold
   * {@code max(1, cap / liveReplicas)} (the last known count), so the sum still holds.
   */
  boolean tryAcquire(String endpoint, int cap);

  /** Gives back one permit of {@code endpoint} taken by {@link #tryAcquire}. Never blocks. */
  void release(String endpoint);

  /** Permits of {@code endpoint} this replica holds. */
  int held(String endpoint);

  /** Stops publishing this pool, removes its published load and gives back its permits. */
  @Override
  void close();
}
