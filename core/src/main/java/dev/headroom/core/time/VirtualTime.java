package dev.headroom.core.time;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A clock that moves only when told to: a {@link Ticker} and a {@link Scheduler} in one, for tests and
 * discrete-event simulations. {@link #advance(Duration)} runs every task that falls due, in time order (ties in
 * the order they were scheduled), setting the reading to each task's time before running it.
 *
 * <p>Thread-safe: any thread may read or schedule; tasks run on the thread that advances.
 */
public final class VirtualTime implements Ticker, Scheduler {
  private final Object lock = new Object();
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private volatile long now;
  private long sequence;

  /** Starts at reading zero. */
  public VirtualTime() {
    this(0);
  }

  /** Starts at the given reading in nanoseconds. */
  public VirtualTime(long startNanos) {
    this.now = startNanos;
  }

  @Override
  public long read() {
    return now;
  }

  @Override
  public Cancellable schedule(long delayNanos, Runnable task) {
    synchronized (lock) {
      Task scheduled = new Task(now + Math.max(0, delayNanos), sequence++, task);
      tasks.add(scheduled);
      return () -> {
        synchronized (lock) {
          tasks.remove(scheduled);
        }
      };
    }
  }

  /** Moves the clock forward by {@code delta}, running the tasks that fall due on the way. */
  public void advance(Duration delta) {
    advanceNanos(delta.toNanos());
  }

  /** Moves the clock forward by {@code nanos}, running the tasks that fall due on the way. */
  public void advanceNanos(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("cannot move virtual time backwards: " + nanos + " ns");
    }
    long target = now + nanos;
    while (true) {
      Task next;
      synchronized (lock) {
        next = tasks.peek();
        if (next == null || next.at > target) {
          now = target;
          return;
        }
        tasks.poll();
        now = Math.max(now, next.at);
      }
      next.task.run();
    }
  }

  /** Runs the tasks due now without moving the clock. */
  public void runDue() {
    advanceNanos(0);
  }

  /** The time of the earliest pending task, or {@code Long.MAX_VALUE} when none is pending. */
  public long nextTaskAt() {
    synchronized (lock) {
      Task next = tasks.peek();
      return next == null ? Long.MAX_VALUE : next.at;
    }
  }

  /** The number of tasks waiting to run. */
  public int pendingTasks() {
    synchronized (lock) {
      return tasks.size();
    }
  }

  @Override
  public String toString() {
    return "VirtualTime{now=" + Duration.ofNanos(now) + ", pending=" + pendingTasks() + '}';
  }

  private record Task(long at, long seq, Runnable task) implements Comparable<Task> {
    @Override
    public int compareTo(Task other) {
      int byTime = Long.compare(at, other.at);
      return byTime != 0 ? byTime : Long.compare(seq, other.seq);
    }
  }
}
