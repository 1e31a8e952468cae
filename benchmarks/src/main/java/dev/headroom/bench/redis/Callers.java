package dev.headroom.bench.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** Runs caller threads that repeat one operation for a fixed time, started together, and counts what they did. */
final class Callers {
  /** One call; {@code caller} is the thread's index. */
  @FunctionalInterface
  interface Call {
    void run(int caller) throws Exception;
  }

  private Callers() {}

  /** Runs {@code threads} callers for {@code duration}; returns the calls each one completed. */
  static long[] run(int threads, Duration duration, Call call) throws InterruptedException {
    long[] counts = new long[threads];
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] stopAt = new long[1];
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int caller = t;
      Thread thread = new Thread(() -> {
        ready.countDown();
        try {
          go.await();
          long end = stopAt[0];
          long done = 0;
          while (System.nanoTime() - end < 0) {
            call.run(caller);
            done++;
          }
          counts[caller] = done;
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "permit-caller-" + t);
      thread.setDaemon(true);
      started.add(thread);
      thread.start();
    }
    ready.await();
    stopAt[0] = System.nanoTime() + duration.toNanos(); // published to the callers by the latch
    go.countDown();
    for (Thread thread : started) {
      thread.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a caller failed", failure.get());
    }
    return counts;
  }

  static long sum(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }
}
