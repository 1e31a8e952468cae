package dev.headroom.core;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a {@link Lease} that most requests never use, allocated only when one is: abort hooks (registered
 * by {@link Lease#onAbort}) and the leak tracker (when the pool has leak detection on). Kept out of the lease so
 * the lease stays small on the hot path.
 */
final class LeaseExtras {
  /** The most abort hooks one lease takes. */
  static final int MAX_HOOKS = 16;

  /** Null unless the pool tracks leaks. Never references the lease (the Cleaner must see it unreachable). */
  final LeakTracker tracker;
  private List<Runnable> hooks;
  private boolean aborted;

  LeaseExtras(LeakTracker tracker) {
    this.tracker = tracker;
  }

  /** Adds a hook; false when the lease was already aborted (the caller then runs it at once). */
  synchronized boolean addHook(Runnable hook) {
    if (aborted) {
      return false;
    }
    if (hooks == null) {
      hooks = new ArrayList<>(2);
    }
    if (hooks.size() >= MAX_HOOKS) {
      throw new IllegalStateException("a lease takes at most " + MAX_HOOKS + " abort hooks");
    }
    hooks.add(hook);
    return true;
  }

  /** Marks aborted and runs the hooks registered so far, once. */
  void abort(Lease lease) {
    List<Runnable> toRun;
    synchronized (this) {
      if (aborted) {
        return;
      }
      aborted = true;
      toRun = hooks;
      hooks = null;
    }
    if (toRun != null) {
      for (Runnable hook : toRun) {
        run(hook, lease);
      }
    }
  }

  static void run(Runnable hook, Lease lease) {
    try {
      hook.run();
    } catch (RuntimeException | LinkageError e) {
      Log.LOG.warn("abort hook of {} failed", lease, e);
    }
  }

  /**
   * The logger, created on first use: SLF4J prints its "no providers" notice when its factory first starts, so an
   * application without a provider sees it only if there is something to log.
   */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(Lease.class);
  }
}
