package dev.headroom.spring;

import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Stops the pools gracefully with the application context: they drain (no new leases; held ones finish) for at
 * most {@code headroom.shutdown.drain-timeout}, then close. It stops in a late phase, after the web server has
 * stopped taking requests and the task executors have stopped, so the work they were doing can finish its
 * calls. The pools themselves are live (and probing) from the moment they are built.
 */
public final class HeadroomLifecycle implements SmartLifecycle {
  /** The phase: stopped after the web server ({@code DEFAULT_PHASE - 2048}) and executors. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final HeadroomPools pools;
  private final Duration drainTimeout;
  private volatile boolean running;

  /**
   * @param pools the pools to drain and close
   * @param drainTimeout the longest to wait for held leases
   */
  public HeadroomLifecycle(HeadroomPools pools, Duration drainTimeout) {
    this.pools = pools;
    this.drainTimeout = drainTimeout;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    try {
      pools.drainAll(drainTimeout);
    } finally {
      pools.close();
      running = false;
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
