package dev.headroom.bench.chaos;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The chaos soak: a fleet of hostile and real backends (HTTP servers on loopback, fake Ollama nodes, a real Redis
 * Cluster, a real PostgreSQL primary and standby, a local Chromium) under steady load while faults are injected on a schedule. It
 * reports, per part: requests served, client-visible errors by kind, requests that outlived their deadline (target
 * 0), what was still held once the load stopped (leases, connections, sockets: target 0) and acknowledged cache
 * writes lost with durable writes (target 0). Not run in CI.
 *
 * <pre>
 * mvn -B -ntp -q -pl benchmarks -am -DskipTests package
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.chaos.ChaosSoak --minutes=3 [--only=http,llm,cache,sql,browser]
 * </pre>
 *
 * <p>Each part has its own fault schedule: every {@code --every} seconds (default 20) the next fault of its list is
 * injected, held for {@code --hold} seconds (default 8), then healed. Every request's time is measured by the
 * client; one that took longer than its timeout plus {@code --grace-ms} (default 250, for scheduling on a loaded
 * 2-core machine) counts as a broken deadline.
 */
public final class ChaosSoak {
  private static final Map<String, Supplier<SoakTarget>> PARTS = new LinkedHashMap<>();

  static {
    PARTS.put("http", HttpFleetTarget::new);
    PARTS.put("llm", () -> unchecked(LlmTarget::new));
    PARTS.put("cache", CacheTarget::new);
    PARTS.put("sql", () -> unchecked(SqlTarget::new));
    PARTS.put("browser", BrowserTarget::new);
  }

  private ChaosSoak() {}

  /** Runs the soak; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    Duration length = Duration.ofSeconds(Math.round(Double.parseDouble(opts.getOrDefault("minutes", "3")) * 60));
    Duration every = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("every", "20")));
    Duration hold = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("hold", "8")));
    Duration grace = Duration.ofMillis(Long.parseLong(opts.getOrDefault("grace-ms", "250")));
    Set<String> only = Set.of(opts.getOrDefault("only", String.join(",", PARTS.keySet())).split(","));
    PrintStream out = System.out;

    List<SoakTarget> targets = new ArrayList<>();
    for (Map.Entry<String, Supplier<SoakTarget>> part : PARTS.entrySet()) {
      if (only.contains(part.getKey())) {
        out.println("starting " + part.getKey() + " ...");
        targets.add(part.getValue().get());
      }
    }
    out.printf(Locale.ROOT, "soak: %d s, a fault every %d s held %d s, deadline grace %d ms, %d cores, load %s%n",
        length.toSeconds(), every.toSeconds(), hold.toSeconds(), grace.toMillis(),
        Runtime.getRuntime().availableProcessors(), loadAverage());

    List<Run> runs = new ArrayList<>();
    for (SoakTarget target : targets) {
      runs.add(new Run(target, new Tally(target.timeout(), grace)));
    }
    long end = System.nanoTime() + length.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (Run run : runs) {
      for (int c = 0; c < run.target.clients(); c++) {
        threads.add(start("soak-" + run.target.name() + "-" + c, clientLoop(run, c, end)));
      }
      threads.add(start("faults-" + run.target.name(), faultLoop(run, end, every, hold, out)));
    }
    for (Thread thread : threads) {
      thread.join(length.toMillis() + Duration.ofMinutes(2).toMillis());
    }
    long hung = threads.stream().filter(Thread::isAlive).count();
    out.println("load stopped; load average " + loadAverage() + "; letting probes settle for 10 s");
    Thread.sleep(10_000);

    out.println();
    out.println("| part | timeout | requests | served | client-visible errors by kind | deadline broken (worst) | left over after the run |");
    out.println("|---|--:|--:|--:|---|--:|---|");
    for (Run run : runs) {
      Tally t = run.tally;
      long errors = t.errors().values().stream().mapToLong(Long::longValue).sum();
      Map<String, Long> left = run.target.leftovers();
      Map<String, Long> facts = run.target.facts();
      out.printf(Locale.ROOT, "| %s | %d ms | %d | %d | %s | %d (%d ms%s) | %s |%n", run.target.name(),
          run.target.timeout().toMillis(), t.served() + errors, t.served(),
          t.errors().isEmpty() ? "none" : t.errors().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", ")),
          t.overruns(), t.worst().toMillis(), t.overruns() > 0 ? "; first: " + t.overrunExample() : "",
          left.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
              + (facts.isEmpty() ? "" : " (" + facts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", ")) + ")"));
    }
    out.println();
    out.println("faults injected: " + runs.stream().mapToInt(r -> r.injected).sum() + "; client threads still"
        + " running at the end: " + hung);
    for (SoakTarget target : targets) {
      target.close();
      Map<String, Long> after = target.afterClose();
      if (!after.isEmpty()) {
        out.println(target.name() + " after close: " + after);
      }
    }
    System.exit(0);
  }

  private static Runnable clientLoop(Run run, int client, long end) {
    return () -> {
      long seq = 0;
      long pauseNanos = run.target.pause().toNanos();
      while (System.nanoTime() < end) {
        long start = System.nanoTime();
        try {
          run.target.request(client, seq++);
          run.tally.served(System.nanoTime() - start);
        } catch (Throwable e) {
          run.tally.failed(e instanceof java.util.concurrent.ExecutionException ee && ee.getCause() != null
              ? ee.getCause() : e, System.nanoTime() - start);
        }
        if (pauseNanos > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
        }
      }
    };
  }

  private static Runnable faultLoop(Run run, long end, Duration every, Duration hold, PrintStream out) {
    return () -> {
      List<SoakTarget.Fault> faults = run.target.faults();
      int next = 0;
      try {
        while (sleepUntil(Math.min(end, System.nanoTime() + every.minus(hold).toNanos()), end)) {
          SoakTarget.Fault fault = faults.get(next++ % faults.size());
          out.printf(Locale.ROOT, "%s  %-20s inject: %s%n", Instant.now(), run.target.name(), fault.name());
          fault.inject().run();
          run.injected++;
          sleepUntil(System.nanoTime() + hold.toNanos(), Long.MAX_VALUE);
          fault.heal().run();
          out.printf(Locale.ROOT, "%s  %-20s healed%n", Instant.now(), run.target.name());
        }
      } catch (Exception e) {
        out.println("fault schedule of " + run.target.name() + " stopped: " + e);
      }
    };
  }

  /** Sleeps until {@code nanoTime} reaches {@code until}; false when that is at or past {@code end}. */
  private static boolean sleepUntil(long until, long end) throws InterruptedException {
    long left = until - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
    return until < end;
  }

  private static Thread start(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static String loadAverage() {
    return String.format(Locale.ROOT, "%.1f",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static <T> T unchecked(java.util.concurrent.Callable<T> make) {
    try {
      return make.call();
    } catch (Exception e) {
      throw new IllegalStateException("could not start a soak part", e);
    }
  }

  /** One part's target, tally and count of faults injected. */
  private static final class Run {
    final SoakTarget target;
    final Tally tally;
    volatile int injected;

    Run(SoakTarget target, Tally tally) {
      this.target = target;
      this.tally = tally;
    }
  }

}
