package dev.headroom.core;

import dev.headroom.core.time.Scheduler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one lease of a pool with leak detection on (see {@link PoolConfig#leakDetectionThreshold()}): warns once
 * when the lease is still held after the threshold, and, as the lease's {@link Cleaner} action, gives its slot
 * back if the lease became unreachable without being ended. Never references the lease itself.
 */
final class LeakTracker implements Runnable {
  private static final Cleaner CLEANER = Cleaner.create(runnable -> {
    Thread thread = new Thread(runnable, "headroom-lease-cleaner");
    thread.setDaemon(true);
    return thread;
  });
  private static final VarHandle STATE;
  private static final int HELD = 0;
  private static final int WARNED = 1;
  private static final int ENDED = 2;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(LeakTracker.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Pool pool;
  private final EndpointState endpoint;
  private final long startNanos;
  private final int leaseBits;
  /** Where the lease was acquired, when the pool captures stack traces; else null. */
  private final Throwable acquiredAt;
  private volatile int state;
  private volatile Scheduler.Cancellable timer;
  private volatile Cleaner.Cleanable cleanable;

  private LeakTracker(Pool pool, EndpointState endpoint, long startNanos, int leaseBits, boolean stackTrace) {
    this.pool = pool;
    this.endpoint = endpoint;
    this.startNanos = startNanos;
    this.leaseBits = leaseBits;
    this.acquiredAt = stackTrace ? new Throwable("lease acquired here") : null;
  }

  /** A new lease watched for leaks. */
  static Lease lease(Pool pool, EndpointState endpoint, long now, int bits, PoolConfig config) {
    LeakTracker tracker = new LeakTracker(pool, endpoint, now, bits, config.leakDetectionStackTraces());
    Lease lease = new Lease(pool, endpoint, now, bits, tracker);
    tracker.cleanable = CLEANER.register(lease, tracker);
    tracker.timer = config.scheduler().schedule(config.leakDetectionThreshold().toNanos(), tracker::thresholdPassed);
    if (tracker.state == ENDED) { // ended before the timer was set
      tracker.timer.cancel();
    }
    return lease;
  }

  /** The lease ended normally. */
  void ended() {
    state = ENDED;
    Scheduler.Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
    Cleaner.Cleanable c = cleanable;
    if (c != null) {
      c.clean(); // deregisters; run() sees ENDED and does nothing
    }
  }

  private void thresholdPassed() {
    if (!STATE.compareAndSet(this, HELD, WARNED)) {
      return;
    }
    long age = (pool.ticker().read() - startNanos) / 1_000_000;
    String message = "pool '{}': a lease on endpoint '{}' has been held for {} ms, longer than the leak detection "
        + "threshold; it holds its slot until it is ended (success/failure/close)";
    if (acquiredAt != null) {
      Log.LOG.warn(message, pool.name(), endpoint.id(), age, acquiredAt);
    } else {
      Log.LOG.warn(message + " (enable leakDetectionStackTraces to see where it was acquired)", pool.name(),
          endpoint.id(), age);
    }
    pool.leaked(endpoint);
  }

  /** The Cleaner action: the lease became unreachable (or ended, then this does nothing). */
  @Override
  public void run() {
    int was = state;
    while (was != ENDED) {
      if (STATE.compareAndSet(this, was, ENDED)) {
        break;
      }
      was = state;
    }
    if (was == ENDED) {
      return;
    }
    Scheduler.Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
    long age = (pool.ticker().read() - startNanos) / 1_000_000;
    Log.LOG.warn("pool '{}': a lease on endpoint '{}' became unreachable after {} ms without being ended; "
        + "returning its slot", pool.name(), endpoint.id(), age, acquiredAt);
    if (was == HELD) {
      pool.leaked(endpoint); // counted once per lease: a warned lease was counted then
    }
    pool.complete(endpoint, startNanos, leaseBits, Outcome.CANCELLED, null, null);
  }

  /**
   * The logger, created on first use: SLF4J prints its "no providers" notice when its factory first starts, so an
   * application without a provider sees it only if there is something to log.
   */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(Lease.class);
  }
}
