package dev.headroom.examples.routing;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives one strategy with a closed loop of concurrent clients (each sends its next request when the previous one
 * ends), kills the fleet's victim backend halfway, and reports progress about once a second.
 */
final class LoadRun {
  /** A way of choosing a backend and calling it. */
  interface Strategy extends AutoCloseable {
    String name();

    /** Sends one request; returns the name of the backend that served it. */
    String send() throws Exception;

    /** Requests passed to the cloud tier so far. */
    long spills();

    @Override
    void close();
  }

  private LoadRun() {}

  static RunResult run(Strategy strategy, Fleet fleet, int requests, int clients, PrintStream out)
      throws InterruptedException {
    long[] latencies = new long[requests];
    Map<String, Integer> servedBy = new ConcurrentHashMap<>();
    AtomicInteger issued = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicBoolean killed = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(clients);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      pool.execute(() -> {
        try {
          for (int i = issued.getAndIncrement(); i < requests; i = issued.getAndIncrement()) {
            long t0 = System.nanoTime();
            try {
              servedBy.merge(strategy.send(), 1, Integer::sum);
            } catch (Exception e) {
              errors.incrementAndGet();
            }
            latencies[i] = System.nanoTime() - t0;
            if (completed.incrementAndGet() >= requests / 2 && killed.compareAndSet(false, true)) {
              fleet.victim().kill();
              out.printf("  %-11s killed %s after %d of %d requests%n", strategy.name(), fleet.victim().name(),
                  requests / 2, requests);
            }
          }
        } finally {
          done.countDown();
        }
      });
    }
    while (!done.await(1, TimeUnit.SECONDS)) {
      out.printf("  %-11s %5d/%d done, %d errors so far%n", strategy.name(), completed.get(), requests,
          errors.get());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return new RunResult(strategy.name(), new TreeMap<>(servedBy), latencies, errors.get(), strategy.spills(),
        seconds);
  }
}
