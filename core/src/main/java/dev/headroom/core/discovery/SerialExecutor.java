package dev.headroom.core.discovery;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in the order they were submitted, on a delegate executor. A task submitted while one
 * runs (from it, or from another thread) runs after it, never inside it, so a direct executor
 * ({@code Runnable::run}) gives the same order as a thread.
 */
final class SerialExecutor implements Executor {
  private final Executor delegate;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    try {
      delegate.execute(this::runAll);
    } catch (RejectedExecutionException e) { // the delegate was shut down: nothing more will run
      synchronized (this) {
        tasks.clear();
        running = false;
      }
    }
  }

  private void runAll() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        SyncLog.LOG.warn("membership sync: a task failed", e);
      }
    }
  }
}
