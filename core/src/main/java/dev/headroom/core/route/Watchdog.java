package dev.headroom.core.route;

import dev.headroom.core.Lease;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.core.time.Scheduler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * Enforces a request's deadline on one running call (one attempt). Scheduled on the router's {@link Scheduler} at
 * the deadline; whichever of the call's end ({@link #finish()}) and the deadline comes first wins a CAS, as in
 * {@link java.util.concurrent.FutureTask}. When the deadline wins, the watchdog runs the lease's abort hooks and
 * ends it as a failure, interrupts the calling thread (blocking form) or cancels the call's stage (async form),
 * and for the async form completes the request's future with a {@link RequestTimeoutException}.
 *
 * <p>Only created when the request has a timeout: requests without one pay nothing.
 */
final class Watchdog implements Runnable {
  private static final VarHandle STATE;
  private static final int RUNNING = 0;
  private static final int DONE = 1;
  /** The watchdog won and is still aborting; the caller must wait for {@link #FIRED} before clearing interrupts. */
  private static final int FIRING = 2;
  private static final int FIRED = 3;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Watchdog.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Route route;
  private final Lease lease;
  /** The thread running a blocking call, or null for the async form. */
  private final Thread thread;
  /** The request's future (async form), or null. */
  private final CompletableFuture<?> result;
  private volatile CompletionStage<?> stage;
  private volatile int state;
  private final Scheduler.Cancellable timer;

  private Watchdog(Route route, Lease lease, Thread thread, CompletableFuture<?> result, Scheduler scheduler) {
    this.route = route;
    this.lease = lease;
    this.thread = thread;
    this.result = result;
    this.timer = scheduler.schedule(Math.max(0, route.deadline().remainingNanos()), this);
  }

  /** Watches a blocking call running on the current thread. */
  static Watchdog blocking(Route route, Lease lease, Scheduler scheduler) {
    return new Watchdog(route, lease, Thread.currentThread(), null, scheduler);
  }

  /** Watches an async call whose request completes {@code result}. */
  static Watchdog async(Route route, Lease lease, CompletableFuture<?> result, Scheduler scheduler) {
    return new Watchdog(route, lease, null, result, scheduler);
  }

  /** The async call's stage, once the call has returned it; cancelled at once if the deadline already passed. */
  void stage(CompletionStage<?> value) {
    stage = value;
    if (state != RUNNING) {
      cancel(value);
    }
  }

  /**
   * The call has ended. True when it ended before the deadline (the watchdog is called off); false when the
   * watchdog fired. In the blocking form this then waits until the watchdog is done and clears the interrupt it
   * sent, so execute returns with the caller's interrupt status as it was.
   */
  boolean finish() {
    if (STATE.compareAndSet(this, RUNNING, DONE)) {
      timer.cancel();
      return true;
    }
    if (thread != null) {
      while (state == FIRING) {
        Thread.onSpinWait();
      }
      Thread.interrupted(); // the watchdog's interrupt (the call may or may not have consumed it)
    }
    return false;
  }

  /** The request's timeout error, for the blocking form after {@link #finish()} returned false. */
  RequestTimeoutException timedOut(Throwable failure) {
    return route.timedOut(lease.endpoint().id(), detail(), failure);
  }

  @Override
  public void run() {
    if (!STATE.compareAndSet(this, RUNNING, FIRING)) {
      return;
    }
    Throwable error = null;
    try {
      lease.abort(new TimeoutException(detail()));
      if (thread != null) {
        thread.interrupt();
      }
      CompletionStage<?> s = stage;
      if (s != null) {
        cancel(s);
      }
      if (result != null) {
        error = route.timedOut(lease.endpoint().id(), detail(), null);
      }
    } catch (RuntimeException | Error e) { // a failing abort hook is logged by the lease; this is a last resort
      error = e;
      throw e;
    } finally {
      state = FIRED;
      if (result != null && error != null) {
        result.completeExceptionally(error);
      }
    }
  }

  private String detail() {
    return "request timeout passed during the call on '" + lease.endpoint().id() + "'";
  }

  private static void cancel(CompletionStage<?> s) {
    try {
      s.toCompletableFuture().cancel(true);
    } catch (UnsupportedOperationException e) {
      // a stage that is not a CompletableFuture: the request's future completes regardless
    }
  }
}
