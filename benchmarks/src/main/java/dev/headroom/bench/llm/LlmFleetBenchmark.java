package dev.headroom.bench.llm;

import dev.headroom.core.HeadroomMetrics;
import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.CloudConfig;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.OllamaNode;
import dev.headroom.testkit.llm.FakeOllama;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headroom's {@link LlmRouter} against seed 000's "first healthy" router and round robin, in the same run, on the
 * same open-loop (Poisson) arrivals of streamed chat requests, each strategy on a fresh {@link Scenario} fleet (one
 * node twice as slow, one with the model cold, a cloud). Reports time to first token as the client sees it (p50,
 * p95, p99), client-visible errors and the cloud's share.
 *
 * <pre>
 * mvn -q -ntp -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.llm.LlmFleetBenchmark          # 40 s per strategy
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.llm.LlmFleetBenchmark --small  # 12 s per strategy
 * </pre>
 */
public final class LlmFleetBenchmark {
  /** Requests per second offered: 54% of the fleet's warm capacity, 135% of the first node's. */
  static final double RATE = 10;

  private LlmFleetBenchmark() {}

  /** One strategy's figures. */
  record Result(String name, int requests, int errors, int cloud, double p50, double p95, double p99) {
    double cloudShare() {
      return requests == 0 ? 0 : (double) cloud / requests;
    }
  }

  /** Runs the comparison and prints a table and the verdict. */
  public static void main(String[] args) throws Exception {
    boolean small = List.of(args).contains("--small");
    run(System.out, small ? Duration.ofSeconds(12) : Duration.ofSeconds(40));
    System.exit(0);
  }

  static List<Result> run(PrintStream out, Duration duration) throws Exception {
    List<Long> arrivals = poisson(RATE, duration, 42);
    out.printf(Locale.ROOT, "%d streamed requests per strategy at %.0f/s over %d s (Poisson, seed 42)%n",
        arrivals.size(), RATE, duration.toSeconds());
    List<Result> results = new ArrayList<>();
    results.add(baseline(Baseline.Policy.FIRST_HEALTHY, "first healthy (seed 000)", arrivals));
    results.add(baseline(Baseline.Policy.ROUND_ROBIN, "round robin", arrivals));
    results.add(headroom(arrivals));
    Result fh = results.get(0);
    out.println();
    out.println("| strategy | requests | p50 TTFT ms | p95 TTFT ms | p99 TTFT ms | p95 / first healthy | errors "
        + "| cloud share |");
    out.println("|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.3f | %d | %.1f%% |%n", r.name(), r.requests(),
          r.p50(), r.p95(), r.p99(), r.p95() / fh.p95(), r.errors(), 100 * r.cloudShare());
    }
    Result h = results.get(2);
    boolean met = h.p95() <= 0.5 * fh.p95() && h.cloudShare() <= fh.cloudShare();
    out.printf(Locale.ROOT, "%ntarget (p95 TTFT <= 0.5 x first healthy, cloud share <= first healthy's): %s "
        + "(ratio %.3f, cloud %.1f%% vs %.1f%%)%n", met ? "MET" : "NOT MET", h.p95() / fh.p95(),
        100 * h.cloudShare(), 100 * fh.cloudShare());
    return results;
  }

  /** What a strategy does with one request. */
  @FunctionalInterface
  private interface Strategy {
    void start(String prompt, Listener listener);
  }

  /** Receives the outcome of one request; TTFT is measured by the driver. */
  private interface Listener {
    void firstToken();

    void done(boolean cloud);

    void failed(Throwable error);
  }

  private static Result baseline(Baseline.Policy policy, String name, List<Long> arrivals) throws Exception {
    try (Scenario s = new Scenario()) {
      List<URI> nodes = s.nodes.stream().map(FakeOllama::uri).toList();
      ExecutorService workers = Executors.newCachedThreadPool(daemon());
      try (Baseline b = new Baseline(policy, nodes, s.cloud.uri(), Executors.newScheduledThreadPool(1,
          daemon()))) {
        return drive(name, arrivals, (prompt, l) -> workers.execute(() -> {
          try {
            l.done(b.stream(prompt, l::firstToken));
          } catch (Exception e) {
            l.failed(e);
          }
        }));
      } finally {
        workers.shutdownNow();
      }
    }
  }

  private static Result headroom(List<Long> arrivals) throws Exception {
    try (Scenario s = new Scenario()) {
      LlmRouter.Builder b = LlmRouter.builder()
          .cloud(CloudConfig.builder(s.cloud.uri()).model(Scenario.MODEL, Scenario.CLOUD_MODEL).build())
          .localWaitBudget(Duration.ofSeconds(2))
          .pollInterval(Duration.ofSeconds(2))
          .healthCheckInterval(Duration.ofSeconds(5))
          .firstTokenTimeout(Duration.ofSeconds(10));
      for (FakeOllama node : s.nodes) {
        b.node(OllamaNode.of(node.name(), node.uri(), Scenario.PARALLEL));
      }
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      b.meterRegistry(registry);
      try (LlmRouter router = b.build()) {
        Result result = drive("Headroom", arrivals, (prompt, l) -> {
          AtomicBoolean first = new AtomicBoolean(true);
          router.stream(ChatRequest.chat(Scenario.MODEL).user(prompt).build())
              .forEach(chunk -> {
                if (first.getAndSet(false)) {
                  l.firstToken();
                }
              })
              .whenComplete((done, error) -> {
                if (error != null) {
                  l.failed(error);
                } else {
                  l.done(done.tier().equals(LlmRouter.CLOUD));
                }
              });
        });
        for (Counter c : registry.find(HeadroomMetrics.SPILLOVER).counters()) {
          System.out.printf(Locale.ROOT, "  Headroom spillover %s -> %s (%s): %.0f%n", c.getId().getTag("from"),
              c.getId().getTag("to"), c.getId().getTag("reason"), c.count());
        }
        for (FakeOllama node : s.nodes) {
          System.out.printf(Locale.ROOT, "  Headroom served on %s: %d%n", node.name(), node.generations());
        }
        return result;
      }
    }
  }

  private static Result drive(String name, List<Long> arrivals, Strategy strategy) throws InterruptedException {
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(daemon());
    List<Double> ttft = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger cloud = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(arrivals.size());
    long start = System.nanoTime();
    for (int i = 0; i < arrivals.size(); i++) {
      String prompt = "request " + i;
      clock.schedule(() -> {
        long sent = System.nanoTime();
        AtomicBoolean ended = new AtomicBoolean();
        strategy.start(prompt, new Listener() {
          @Override
          public void firstToken() {
            ttft.add((System.nanoTime() - sent) / 1e6);
          }

          @Override
          public void done(boolean inCloud) {
            if (ended.compareAndSet(false, true)) {
              if (inCloud) {
                cloud.incrementAndGet();
              }
              finished.countDown();
            }
          }

          @Override
          public void failed(Throwable error) {
            if (ended.compareAndSet(false, true)) {
              errors.incrementAndGet();
              finished.countDown();
            }
          }
        });
      }, arrivals.get(i), TimeUnit.NANOSECONDS);
    }
    long last = arrivals.get(arrivals.size() - 1);
    boolean all = finished.await(last + TimeUnit.SECONDS.toNanos(120), TimeUnit.NANOSECONDS);
    clock.shutdownNow();
    int unfinished = (int) finished.getCount();
    List<Double> sorted = new ArrayList<>(ttft);
    Collections.sort(sorted);
    System.out.printf(Locale.ROOT, "  %s: done in %.1f s%s%n", name, (System.nanoTime() - start) / 1e9,
        all ? "" : ", " + unfinished + " requests unfinished (counted as errors)");
    return new Result(name, arrivals.size(), errors.get() + unfinished, cloud.get(), percentile(sorted, 0.50),
        percentile(sorted, 0.95), percentile(sorted, 0.99));
  }

  private static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static List<Long> poisson(double rate, Duration duration, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Long> times = new ArrayList<>();
    double t = 0;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / rate;
      if (t >= duration.toNanos() / 1e9) {
        return times;
      }
      times.add((long) (t * 1e9));
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "bench-llm");
      thread.setDaemon(true);
      return thread;
    };
  }
}
