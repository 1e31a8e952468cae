package dev.headroom.bench.llm;

import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.ConversationAffinity;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.NodeStatus;
import dev.headroom.llm.OllamaNode;
import dev.headroom.testkit.llm.FakeOllama;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 18's multi-turn workload: conversations of 8 turns with growing context arriving as a Poisson process, on
 * four FakeOllama nodes (one twice slower) whose prompt caches hold the last 8 conversations each answered
 * (prompt evaluation costs 2 ms per token not cached). Compares least-loaded picking without affinity, pure sticky
 * hashing, bounded-load affinity and its cache-aware variant in the same run: time to first token p50/p95 and the
 * max/mean of the nodes' time-averaged load.
 *
 * <pre>
 * mvn -q -ntp -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.llm.ConversationBenchmark           # 200 conversations
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.llm.ConversationBenchmark --small   # 60
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.llm.ConversationBenchmark --small --rate=1.6
 * </pre>
 */
public final class ConversationBenchmark {
  static final String MODEL = "llama3.2";
  static final int TURNS = 8;
  static final int PARALLEL = 2;
  /**
   * New conversations per second: 6.4 turns per second, about 70% of the fleet's capacity when every turn evaluates
   * its whole history (least-loaded without affinity: ~0.75 s of a slot per turn, 7 slots' worth of speed).
   */
  static final double CONVERSATIONS_PER_SECOND = 0.8;
  /** Conversations whose prompts a node keeps cached (Ollama keeps one per slot; a prefix cache holds more). */
  static final int CACHED_CONVERSATIONS = 8;
  static final Duration THINK = Duration.ofMillis(800);

  private ConversationBenchmark() {}

  /** One strategy's figures. */
  record Result(String name, int turns, int errors, double p50, double p95, double maxOverMean, long cachedTokens) {}

  /** Runs the comparison and prints a table. */
  public static void main(String[] args) throws Exception {
    int conversations = List.of(args).contains("--small") ? 60 : 200;
    double rate = List.of(args).stream().filter(a -> a.startsWith("--rate=")).findFirst()
        .map(a -> Double.parseDouble(a.substring("--rate=".length()))).orElse(CONVERSATIONS_PER_SECOND);
    run(System.out, conversations, rate);
    System.exit(0);
  }

  static List<Result> run(PrintStream out, int conversations, double rate) throws Exception {
    List<Long> arrivals = poisson(rate, conversations, 7);
    out.printf(Locale.ROOT, "%d conversations of %d turns, %.1f new per second (Poisson, seed 7), %s think time%n",
        conversations, TURNS, rate, THINK);
    List<Result> results = new ArrayList<>();
    results.add(strategy("least-loaded, no affinity", null, arrivals, out));
    results.add(strategy("pure sticky hashing", ConversationAffinity.sticky(), arrivals, out));
    results.add(strategy("bounded-load affinity (eps 0.25)", ConversationAffinity.boundedLoads(0.25), arrivals,
        out));
    results.add(strategy("cache-aware bounded loads (eps 0.25)", ConversationAffinity.boundedLoads(0.25)
        .cacheAware(), arrivals, out));
    Result base = results.get(0);
    out.println();
    out.println("| strategy | turns | p50 TTFT ms | p95 TTFT ms | p95 / least-loaded | max/mean node load "
        + "| prompt tokens cached | errors |");
    out.println("|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.3f | %.2f | %d | %d |%n", r.name(), r.turns(), r.p50(),
          r.p95(), r.p95() / base.p95(), r.maxOverMean(), r.cachedTokens(), r.errors());
    }
    Result sticky = results.get(1);
    for (Result bounded : results.subList(2, results.size())) {
      out.printf(Locale.ROOT, "%n%s: p95 TTFT <= 0.6 x least-loaded: %s (%.3f); max/mean <= 1.3: %s (%.2f)",
          bounded.name(), bounded.p95() <= 0.6 * base.p95() ? "MET" : "NOT MET", bounded.p95() / base.p95(),
          bounded.maxOverMean() <= 1.3 ? "MET" : "NOT MET", bounded.maxOverMean());
    }
    out.printf(Locale.ROOT, "%nsticky hashing's max/mean above 1.3: %s (%.2f)%n",
        sticky.maxOverMean() > 1.3 ? "yes" : "no", sticky.maxOverMean());
    return results;
  }

  private static List<FakeOllama> fleet() {
    List<FakeOllama> nodes = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      FakeOllama node = FakeOllama.builder("gpu-" + i).loaded(MODEL).parallel(PARALLEL).tokensPerSecond(80)
          .answerTokens(16).promptEval(Duration.ofMillis(10)).promptEvalPerToken(Duration.ofMillis(2))
          .promptCacheSlots(CACHED_CONVERSATIONS).start();
      if (i == 4) {
        node.slowDown(2); // one node twice slower
      }
      nodes.add(node);
    }
    return nodes;
  }

  private static Result strategy(String name, ConversationAffinity affinity, List<Long> arrivals, PrintStream out)
      throws Exception {
    List<FakeOllama> nodes = fleet();
    LlmRouter.Builder b = LlmRouter.builder().noHealthCheck().localWaitBudget(Duration.ofSeconds(30))
        .requestTimeout(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(5));
    nodes.forEach(n -> b.node(OllamaNode.of(n.name(), n.uri(), PARALLEL)));
    if (affinity != null) {
      b.conversationAffinity(affinity);
    }
    ExecutorService talkers = Executors.newCachedThreadPool(daemon("talker"));
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, daemon("clock"));
    List<Double> ttft = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger errors = new AtomicInteger();
    Map<String, double[]> loadSum = new LinkedHashMap<>();
    AtomicInteger samples = new AtomicInteger();
    AtomicBoolean sampling = new AtomicBoolean(true);
    try (LlmRouter router = b.build()) {
      nodes.forEach(n -> loadSum.put(n.name(), new double[1]));
      clock.scheduleAtFixedRate(() -> {
        if (sampling.get()) {
          for (NodeStatus s : router.fleet()) {
            double[] sum = loadSum.get(s.id());
            if (sum != null) {
              synchronized (sum) {
                sum[0] += s.inFlight();
              }
            }
          }
          samples.incrementAndGet();
        }
      }, 50, 50, TimeUnit.MILLISECONDS);
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      long start = System.nanoTime();
      for (int c = 0; c < arrivals.size(); c++) {
        int conversation = c;
        long delay = arrivals.get(c) - (System.nanoTime() - start);
        if (delay > 0) {
          TimeUnit.NANOSECONDS.sleep(delay);
        }
        done.add(talkers.submit(() -> converse(router, conversation, ttft, errors)));
      }
      for (var f : done) {
        f.get(10, TimeUnit.MINUTES);
      }
      sampling.set(false);
      long cached = nodes.stream().mapToLong(FakeOllama::cachedPromptTokens).sum();
      List<Double> mean = new ArrayList<>();
      loadSum.values().forEach(sum -> mean.add(sum[0] / Math.max(1, samples.get())));
      double avg = mean.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      double max = mean.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      List<Double> sorted = new ArrayList<>(ttft);
      Collections.sort(sorted);
      out.printf(Locale.ROOT, "  %s: %.1f s, time-averaged in flight per node %s%n", name,
          (System.nanoTime() - start) / 1e9, mean.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList());
      return new Result(name, sorted.size(), errors.get(), percentile(sorted, 0.5), percentile(sorted, 0.95),
          avg == 0 ? 0 : max / avg, cached);
    } finally {
      talkers.shutdownNow();
      clock.shutdownNow();
      nodes.forEach(FakeOllama::close);
    }
  }

  /** One conversation: each turn resends the history with the last answer, streamed; TTFT per turn. */
  private static void converse(LlmRouter router, int id, List<Double> ttft, AtomicInteger errors) {
    SplittableRandom random = new SplittableRandom(id);
    ChatRequest.Builder history = ChatRequest.chat(MODEL).system("You are a helpful assistant.").conversation("c" + id);
    for (int turn = 0; turn < TURNS; turn++) {
      history.user(question(id, turn));
      long sent = System.nanoTime();
      AtomicBoolean first = new AtomicBoolean(true);
      try {
        ChatResponse answer = router.stream(history.build()).forEach(chunk -> {
          if (first.getAndSet(false)) {
            ttft.add((System.nanoTime() - sent) / 1e6);
          }
        }).get(2, TimeUnit.MINUTES);
        history.assistant(answer.text());
        long think = (long) (-Math.log(1 - random.nextDouble()) * THINK.toNanos());
        TimeUnit.NANOSECONDS.sleep(think);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        errors.incrementAndGet();
        return;
      }
    }
  }

  /** A question of about 40 words, different for each conversation and turn. */
  private static String question(int conversation, int turn) {
    StringBuilder text = new StringBuilder("In conversation " + conversation + ", turn " + turn + ", tell me");
    for (int w = 0; w < 36; w++) {
      text.append(" word").append((conversation * 31 + turn * 7 + w) % 97);
    }
    return text.append('?').toString();
  }

  private static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static List<Long> poisson(double rate, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Long> times = new ArrayList<>();
    double t = 0;
    for (int i = 0; i < count; i++) {
      t += -Math.log(1 - random.nextDouble()) / rate;
      times.add((long) (t * 1e9));
    }
    return times;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, "bench-" + name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
