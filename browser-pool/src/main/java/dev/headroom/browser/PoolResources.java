package dev.headroom.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.Pool;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a pool's hosts and sessions share: the configuration, the core pool that counts slots, the JSON mapper, the
 * HTTP client for DevTools connections, the pool's threads and the registry of launched processes.
 */
final class PoolResources {
  final BrowserPoolConfig config;
  final String name;
  final ObjectMapper mapper = new ObjectMapper();
  final Ticker ticker = Ticker.system();
  final ProcessRegistry processes = new ProcessRegistry();
  final ScheduledThreadPoolExecutor executor;
  final Scheduler scheduler;
  final ExecutorService io;
  final HttpClient http;
  private final Object signalLock = new Object();
  private CompletableFuture<Void> hostChange = new CompletableFuture<>();
  private volatile Pool core;

  PoolResources(BrowserPoolConfig config) {
    this.config = config;
    this.name = config.name();
    this.executor = new ScheduledThreadPoolExecutor(2, daemonThreads("headroom-browser-" + name + "-"));
    executor.setRemoveOnCancelPolicy(true);
    this.scheduler = (delayNanos, task) -> {
      try {
        ScheduledFuture<?> future = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
      } catch (RejectedExecutionException closed) {
        return () -> { }; // the pool is closed: timers no longer matter, everything has been failed
      }
    };
    this.io = Executors.newCachedThreadPool(daemonThreads("headroom-browser-" + name + "-io-"));
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(config.launchTimeout())
        .executor(io)
        .build();
  }

  void core(Pool pool) {
    this.core = pool;
  }

  Pool core() {
    return core;
  }

  /** A future that completes the next time a host comes up (read it before checking, then wait on it). */
  CompletableFuture<Void> nextHostChange() {
    synchronized (signalLock) {
      return hostChange;
    }
  }

  /** Wakes every caller waiting for a host to come up. */
  void hostChanged() {
    CompletableFuture<Void> fired;
    synchronized (signalLock) {
      fired = hostChange;
      hostChange = new CompletableFuture<>();
    }
    fired.complete(null);
  }

  /** Runs {@code task} on the pool's threads; after close (clean-up racing the close) on the caller's thread. */
  void run(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException closed) {
      task.run();
    }
  }

  void shutdownThreads() {
    executor.shutdownNow();
    io.shutdownNow();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
