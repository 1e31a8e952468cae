package dev.headroom.bench.browser;

import dev.headroom.browser.BrowserHost;
import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.BrowserPoolConfig;
import dev.headroom.browser.BrowserSession;
import dev.headroom.testkit.browser.PageServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cold versus warm browser leases against real headless Chromium, and sessions per second through two local hosts
 * with a cap of 3, all in one run (pages from a loopback HTTP server).
 *
 * <ul>
 *   <li><b>cold</b>: create a pool (launch Chromium), lease, load the first page;</li>
 *   <li><b>per-lease context</b>: a running browser, no warm contexts: lease (creates the context), load a page;</li>
 *   <li><b>warm</b>: a running browser with a pre-created context: lease alone, and lease + load a page.</li>
 * </ul>
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.browser.BrowserPoolBench [cold=8] [warm=40] [seconds=15]</pre>
 */
public final class BrowserPoolBench {
  private BrowserPoolBench() {}

  public static void main(String[] args) throws Exception {
    int cold = arg(args, "cold", 8);
    int warm = arg(args, "warm", 40);
    int seconds = arg(args, "seconds", 15);
    if (!Files.isExecutable(BrowserHost.DEFAULT_EXECUTABLE)) {
      System.out.println("Chromium is not installed: apt-get install -y chromium");
      return;
    }
    System.out.printf(Locale.ROOT, "# browser pool benchmark: %d cores, %s, cold=%d warm=%d seconds=%d, load %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), cold, warm, seconds, load());
    try (PageServer pages = PageServer.start()) {
      String page = pages.url("/page?title=bench");

      double[] coldMs = new double[cold];
      for (int i = -1; i < cold; i++) { // one unmeasured round first: class loading, page cache
        long t0 = System.nanoTime();
        try (BrowserPool pool = BrowserPool.create(config("cold", 1, 0));
            BrowserSession session = pool.lease(Duration.ofSeconds(60))) {
          session.navigate(page);
          if (i >= 0) {
            coldMs[i] = ms(System.nanoTime() - t0);
          }
        }
      }

      double[] perLeaseMs = new double[warm];
      try (BrowserPool pool = BrowserPool.create(config("per-lease", 1, 0))) {
        for (int i = -3; i < warm; i++) {
          long t0 = System.nanoTime();
          try (BrowserSession session = pool.lease(Duration.ofSeconds(60))) {
            session.navigate(page);
            if (i >= 0) {
              perLeaseMs[i] = ms(System.nanoTime() - t0);
            }
          }
        }
      }

      double[] warmLeaseMs = new double[warm];
      double[] warmPageMs = new double[warm];
      try (BrowserPool pool = BrowserPool.create(config("warm", 1, 1))) {
        for (int i = -3; i < warm; i++) {
          Thread.sleep(400); // let the pool finish pre-creating the next context (that is the point of warm)
          long t0 = System.nanoTime();
          try (BrowserSession session = pool.lease(Duration.ofSeconds(60))) {
            long t1 = System.nanoTime();
            session.navigate(page);
            long t2 = System.nanoTime();
            if (i >= 0) {
              warmLeaseMs[i] = ms(t1 - t0);
              warmPageMs[i] = ms(t2 - t0);
            }
          }
        }
      }

      System.out.println();
      System.out.println("| what (same run) | p50 | p95 | p50 vs cold |");
      System.out.println("|---|---:|---:|---:|");
      row("cold: launch Chromium + lease + first page", coldMs, coldMs);
      row("running browser, context created per lease: lease + page", perLeaseMs, coldMs);
      row("warm: lease + page", warmPageMs, coldMs);
      row("warm: lease alone (pre-created context)", warmLeaseMs, coldMs);

      System.out.println();
      double without = throughput(pages, 0, seconds);
      double with = throughput(pages, 1, seconds);
      System.out.println("| 2 local hosts, cap 3 each, 12 threads: lease + page + evaluate + close | sessions/s | ratio |");
      System.out.println("|---|---:|---:|");
      System.out.printf(Locale.ROOT, "| no warm contexts (baseline) | %.1f | 1.00 |%n", without);
      System.out.printf(Locale.ROOT, "| minIdle 1 per host | %.1f | %.2f |%n", with, with / without);
      System.out.println();
      System.out.println("# load at the end: " + load());
    }
  }

  private static BrowserPoolConfig config(String name, int hosts, int minIdle) {
    BrowserPoolConfig.Builder builder = BrowserPoolConfig.builder(name);
    for (int h = 0; h < hosts; h++) {
      builder.host(BrowserHost.local(name + "-" + h).maxSessions(3).minIdle(minIdle));
    }
    return builder.build();
  }

  private static double throughput(PageServer pages, int minIdle, int seconds) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(12);
    AtomicLong sessions = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    try (BrowserPool pool = BrowserPool.create(config("throughput-" + minIdle, 2, minIdle))) {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 12; t++) {
        int thread = t;
        workers.add(threads.submit(() -> {
          int i = 0;
          while (running.get()) {
            try (BrowserSession session = pool.lease(Duration.ofSeconds(60))) {
              session.navigate(pages.url("/page?title=t" + thread + "-" + i++));
              session.evaluate("document.title");
              if (measuring.get()) {
                sessions.incrementAndGet();
              }
            } catch (RuntimeException e) {
              failures.incrementAndGet();
            }
          }
          return null;
        }));
      }
      Thread.sleep(3_000); // warm-up
      measuring.set(true);
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      measuring.set(false);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      running.set(false);
      for (Future<?> worker : workers) {
        worker.get(120, TimeUnit.SECONDS);
      }
      if (failures.get() > 0) {
        System.out.println("(" + failures.get() + " failed sessions with minIdle " + minIdle + ")");
      }
      return sessions.get() / elapsed;
    } finally {
      threads.shutdownNow();
    }
  }

  private static void row(String what, double[] values, double[] cold) {
    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", what, fmt(pct(values, 50)), fmt(pct(values, 95)),
        values == cold ? "1×" : String.format(Locale.ROOT, "%.0f× faster", pct(cold, 50) / pct(values, 50)));
  }

  private static String fmt(double ms) {
    return ms >= 10 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.3f ms", ms);
  }

  private static double pct(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static String load() {
    try {
      String[] parts = Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static int arg(String[] args, String name, int fallback) {
    for (String arg : args) {
      if (arg.startsWith(name + "=")) {
        return Integer.parseInt(arg.substring(name.length() + 1));
      }
    }
    return fallback;
  }
}
