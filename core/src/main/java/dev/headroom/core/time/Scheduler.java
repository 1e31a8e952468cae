package dev.headroom.core.time;

import java.time.Duration;

/**
 * Runs a task after a delay measured on a {@link Ticker}. Pools use it for waiter deadlines and health probes;
 * {@link VirtualTime} implements it so that both run in virtual time.
 *
 * <p>Tasks must be short and must not block: they run on the scheduler's own thread (or, for virtual time, on
 * the thread that advances the clock).
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Schedules {@code task} to run once after {@code delayNanos} (zero or negative: as soon as possible).
   *
   * @return a handle that cancels the task if it has not started
   */
  Cancellable schedule(long delayNanos, Runnable task);

  /** Convenience for {@link #schedule(long, Runnable)} with a {@link Duration}. */
  default Cancellable schedule(Duration delay, Runnable task) {
    return schedule(delay.toNanos(), task);
  }

  /**
   * A process-wide scheduler on one daemon thread, reading {@link System#nanoTime()}. It is created on first use
   * and never holds user state, like the JDK's {@code CompletableFuture.delayedExecutor}.
   */
  static Scheduler system() {
    return SystemScheduler.INSTANCE;
  }

  /** A handle to a scheduled task. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not run yet; harmless otherwise. */
    void cancel();
  }
}
