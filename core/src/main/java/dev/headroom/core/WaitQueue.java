package dev.headroom.core;

import dev.headroom.core.time.Scheduler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The bounded FIFO of callers waiting for a lease. Lock order: this queue's monitor may be held while the pool
 * takes its own lock, never the other way round.
 */
final class WaitQueue {
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private volatile int size;

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  /** Adds a waiter unless {@code max} are already waiting. */
  synchronized boolean offer(Waiter waiter, int max) {
    if (queue.size() >= max) {
      return false;
    }
    queue.addLast(waiter);
    size = queue.size();
    return true;
  }

  /** Removes a waiter; returns false when it was already granted or removed. */
  synchronized boolean remove(Waiter waiter) {
    boolean removed = queue.remove(waiter);
    size = queue.size();
    return removed;
  }

  /**
   * Offers each waiter, in order, a lease from {@code tryLease} (given the waiter and about how many wait behind
   * it); stops at the first unselective waiter that gets
   * none (nothing is free), but lets selective waiters behind it try, so that a waiter for a busy model does not
   * block one for an idle model.
   */
  synchronized List<Grant> grant(BiFunction<Waiter, Integer, Lease> tryLease) {
    List<Grant> grants = null;
    Iterator<Waiter> it = queue.iterator();
    while (it.hasNext()) {
      Waiter waiter = it.next();
      Lease lease = tryLease.apply(waiter, queue.size() - 1);
      if (lease != null) {
        it.remove();
        if (grants == null) {
          grants = new ArrayList<>(2);
        }
        grants.add(new Grant(waiter, lease));
      } else if (waiter.selector == Selector.any()) {
        break;
      }
    }
    size = queue.size();
    return grants == null ? List.of() : grants;
  }

  synchronized List<Waiter> removeAll() {
    List<Waiter> all = new ArrayList<>(queue);
    queue.clear();
    size = 0;
    return all;
  }

  /** One caller waiting. */
  static final class Waiter {
    final Selector selector;
    final long enqueuedAt;
    /** The ticker time at which it gives up; {@code Long.MAX_VALUE} for never. */
    final long deadlineAt;
    final CompletableFuture<Lease> future = new CompletableFuture<>();
    volatile Scheduler.Cancellable timeout;

    Waiter(Selector selector, long enqueuedAt, long deadlineAt) {
      this.selector = selector;
      this.enqueuedAt = enqueuedAt;
      this.deadlineAt = deadlineAt;
    }
  }

  /** A lease handed to a waiter. */
  record Grant(Waiter waiter, Lease lease) {}
}
