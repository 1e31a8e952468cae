package dev.headroom.core;

import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The waiting side of a pool: callers queued in FIFO order when no slot is free, their deadlines, and handing each
 * freed slot to the first waiter that can use it. The pool calls {@link #dispatch()} whenever capacity may have
 * appeared (a lease ended, an endpoint joined, came back or was resumed).
 */
final class Admission {
  /** Picks and reserves a slot for a waiter, or returns null; see {@code Pool.tryLease}. */
  @FunctionalInterface
  interface SlotTaker {
    Lease take(Selector selector, long now, int queuedBehind, long maxWaitNanos);
  }

  /** Builds the error a waiter gets, from its reason, a detail and how long it waited. */
  @FunctionalInterface
  interface Refusal {
    PoolExhaustedException of(SpillReason reason, String detail, long waitedNanos);
  }

  private final WaitQueue waiters = new WaitQueue();
  private final AtomicBoolean recheckPending = new AtomicBoolean();
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final PoolMetrics metrics;
  private final int maxWaiters;
  private final SlotTaker slots;
  private final Refusal refusal;
  private volatile boolean closed;

  Admission(PoolConfig config, PoolMetrics metrics, SlotTaker slots, Refusal refusal) {
    this.ticker = config.ticker();
    this.scheduler = config.scheduler();
    this.metrics = metrics;
    this.maxWaiters = config.maxWaiters();
    this.slots = slots;
    this.refusal = refusal;
    metrics.queueDepth(waiters, WaitQueue::size);
  }

  boolean isEmpty() {
    return waiters.isEmpty();
  }

  int size() {
    return waiters.size();
  }

  /**
   * Queues a caller until a slot is handed to it or {@code deadline} passes; fails at once when the queue is full.
   * Cancelling the returned future withdraws the caller.
   */
  CompletableFuture<Lease> enqueue(Selector selector, Deadline deadline, long now) {
    long remaining = deadline.remainingNanos();
    long deadlineAt = !deadline.isFinite() || now + remaining < now ? Long.MAX_VALUE : now + remaining;
    WaitQueue.Waiter waiter = new WaitQueue.Waiter(selector, now, deadlineAt);
    if (!waiters.offer(waiter, maxWaiters)) {
      return CompletableFuture.failedFuture(refusal.of(SpillReason.SATURATED,
          "every endpoint is full and the queue is full (maxWaiters " + maxWaiters + ")", 0));
    }
    if (deadline.isFinite()) {
      waiter.timeout = scheduler.schedule(remaining, () -> expire(waiter));
    }
    waiter.future.whenComplete((lease, error) -> {
      if (waiter.future.isCancelled() && waiters.remove(waiter)) {
        cancelTimeout(waiter);
      }
    });
    dispatch(); // a slot may have freed between the caller's failed try and joining the queue
    return waiter.future;
  }

  /** Hands free slots to waiting callers, in order. */
  void dispatch() {
    if (waiters.isEmpty() || closed) {
      return;
    }
    long now = ticker.read();
    List<WaitQueue.Grant> grants = waiters.grant((waiter, behind) -> slots.take(waiter.selector, now, behind,
        waiter.deadlineAt == Long.MAX_VALUE ? Long.MAX_VALUE : waiter.deadlineAt - now));
    for (WaitQueue.Grant grant : grants) {
      WaitQueue.Waiter waiter = grant.waiter();
      cancelTimeout(waiter);
      metrics.waited(now - waiter.enqueuedAt);
      if (!waiter.future.complete(grant.lease())) {
        grant.lease().close(); // the caller cancelled meanwhile
      }
    }
  }

  /** Runs {@link #dispatch()} after {@code delayNanos}, unless a re-check is already pending. */
  void recheckAfter(long delayNanos) {
    if (recheckPending.compareAndSet(false, true)) {
      scheduler.schedule(delayNanos, () -> {
        recheckPending.set(false);
        dispatch();
      });
    }
  }

  /** Fails every waiting caller with {@code error} and refuses to dispatch from now on. */
  void close(Supplier<? extends RuntimeException> error) {
    closed = true;
    for (WaitQueue.Waiter waiter : waiters.removeAll()) {
      cancelTimeout(waiter);
      waiter.future.completeExceptionally(error.get());
    }
  }

  private void expire(WaitQueue.Waiter waiter) {
    if (waiters.remove(waiter)) {
      long waited = ticker.read() - waiter.enqueuedAt;
      metrics.waited(waited);
      waiter.future.completeExceptionally(
          refusal.of(SpillReason.DEADLINE, "deadline passed while waiting for a slot", waited));
    }
  }

  private static void cancelTimeout(WaitQueue.Waiter waiter) {
    Scheduler.Cancellable timeout = waiter.timeout;
    if (timeout != null) {
      timeout.cancel();
    }
  }
}
