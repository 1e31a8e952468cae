package dev.headroom.bench.npu;

import dev.headroom.npu.Embedding;
import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.OnnxRuntimeBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Embeddings per second on the CPU (ONNX Runtime, all-MiniLM-L6-v2), unbatched against batched, on the same texts
 * in the same process; then the latency of each request at one fixed offered load (open-loop Poisson arrivals) for
 * both. Prints a Markdown table for benchmarks/RESULTS.md.
 *
 * <pre>
 * mvn -q -ntp -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.npu.EmbeddingThroughputBenchmark [texts] [seconds]
 * </pre>
 */
public final class EmbeddingThroughputBenchmark {
  private EmbeddingThroughputBenchmark() {}

  /**
   * Runs the benchmark. Arguments: the number of texts (default 512), seconds per open-loop run (default 20), ONNX
   * Runtime intra-op threads (default all processors), and "nospin" to stop its threads spinning (for shared
   * machines).
   */
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    boolean spinning = !(args.length > 3 && args[3].equals("nospin"));
    EmbeddingModel model = EmbeddingModel.allMiniLmL6V2();
    List<String> texts = texts(count, new Random(42));
    double meanTokens = texts.stream().mapToInt(t -> model.tokenizer().encode(t).length()).average().orElse(0);

    try (EmbeddingPool unbatched = pool("unbatched", model, 1, Duration.ZERO, threads, spinning);
        EmbeddingPool batched = pool("batched", model, 32, Duration.ofMillis(2), threads, spinning)) {
      // warm-up: JIT and ONNX Runtime's first runs
      for (int round = 0; round < 2; round++) {
        closedLoop(unbatched, texts.subList(0, 64));
        closedLoop(batched, texts.subList(0, 64));
      }
      String loadBefore = loadAverage();
      double[] unbatchedRates = new double[5];
      double[] batchedRates = new double[5];
      double[] unbatchedCpu = new double[5];
      double[] batchedCpu = new double[5];
      for (int round = 0; round < 5; round++) { // interleaved, so drift hits both alike
        double[] u = closedLoop(unbatched, texts);
        double[] b = closedLoop(batched, texts);
        unbatchedRates[round] = u[0];
        unbatchedCpu[round] = u[1];
        batchedRates[round] = b[0];
        batchedCpu[round] = b[1];
      }
      double one = median(unbatchedRates);
      double many = median(batchedRates);

      double offered = Math.floor(0.8 * one); // a load the unbatched path can still carry
      long[][] unbatchedLatencies = new long[2][];
      long[][] batchedLatencies = new long[2][];
      for (int round = 0; round < 2; round++) { // interleaved as well
        unbatchedLatencies[round] = openLoop(unbatched, texts, offered, seconds, new Random(7 + round));
        batchedLatencies[round] = openLoop(batched, texts, offered, seconds, new Random(7 + round));
      }
      long[] unbatchedLatency = unbatchedLatencies[0];
      long[] batchedLatency = batchedLatencies[0];

      System.out.printf(Locale.ROOT, "%n%d texts, mean %.1f tokens, ONNX Runtime %d intra-op threads%s, %s; "
          + "load average before %s, after %s%n%n", count, meanTokens, threads, spinning ? "" : " (no spinning)",
          System.getProperty("java.vm.name") + " " + Runtime.version(), loadBefore, loadAverage());
      System.out.println("| path | embeddings/s wall (median of 5) | best of 5 | ratio | embeddings per CPU-second "
          + "(median) | ratio | p50 ms | p95 ms | p99 ms, open loop at " + (int) offered + " req/s |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      double cpuOne = median(unbatchedCpu);
      double cpuMany = median(batchedCpu);
      row("unbatched (batch 1)", one, max(unbatchedRates), 1.0, cpuOne, 1.0, unbatchedLatency);
      row("batched (max 32, 2 ms)", many, max(batchedRates), many / one, cpuMany, cpuMany / cpuOne,
          batchedLatency);
      System.out.printf(Locale.ROOT, "%nsecond open-loop run: unbatched p50/p95/p99 %.1f/%.1f/%.1f ms, batched "
          + "%.1f/%.1f/%.1f ms%n", pct(unbatchedLatencies[1], 0.5), pct(unbatchedLatencies[1], 0.95),
          pct(unbatchedLatencies[1], 0.99), pct(batchedLatencies[1], 0.5), pct(batchedLatencies[1], 0.95),
          pct(batchedLatencies[1], 0.99));
      System.out.printf(Locale.ROOT, "%nruns (wall): unbatched %s, batched %s emb/s; per CPU-second: unbatched %s, "
          + "batched %s; seed 000's NPU worker: ~50 emb/s%n", Arrays.toString(round(unbatchedRates)),
          Arrays.toString(round(batchedRates)), Arrays.toString(round(unbatchedCpu)), Arrays.toString(round(batchedCpu)));
    }
  }

  private static EmbeddingPool pool(String name, EmbeddingModel model, int batch, Duration delay, int threads,
      boolean spinning) {
    return EmbeddingPool.builder(name)
        .tokenizer(model.tokenizer())
        .backend(OnnxRuntimeBackend.builder(model).id(name + "-cpu").threads(threads).spinning(spinning)
            .maxBatchSize(batch).build())
        .maxBatchSize(batch)
        .maxQueueDelay(delay)
        .queueThresholds(100_000, 100_000)
        .build();
  }

  /**
   * Submits every text at once and waits: embeddings per wall-clock second, and per second of CPU this process used
   * (which other processes on a shared machine do not distort).
   */
  private static double[] closedLoop(EmbeddingPool pool, List<String> texts) {
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    List<CompletableFuture<Embedding>> futures = pool.submitAll(texts);
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
    double wall = (System.nanoTime() - start) / 1e9;
    double used = (processCpuNanos() - cpu) / 1e9;
    return new double[] {texts.size() / wall, texts.size() / used};
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Poisson arrivals at {@code rate} per second for {@code seconds}: each request's latency in nanoseconds. */
  private static long[] openLoop(EmbeddingPool pool, List<String> texts, double rate, int seconds, Random random) {
    int total = (int) (rate * seconds);
    long[] latency = new long[total];
    List<CompletableFuture<Embedding>> futures = new ArrayList<>(total);
    long start = System.nanoTime();
    long next = start;
    for (int i = 0; i < total; i++) {
      next += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9);
      long wait;
      while ((wait = next - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      long sent = System.nanoTime();
      int index = i;
      futures.add(pool.embedAsync(texts.get(i % texts.size()))
          .whenComplete((e, t) -> latency[index] = System.nanoTime() - sent));
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
    Arrays.sort(latency);
    return latency;
  }

  private static void row(String name, double rate, double best, double ratio, double cpuRate, double cpuRatio,
      long[] latency) {
    System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2fx | %.0f | %.2fx | %.1f | %.1f | %.1f |%n", name, rate,
        best, ratio, cpuRate, cpuRatio, pct(latency, 0.50), pct(latency, 0.95), pct(latency, 0.99));
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(0);
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }

  private static double pct(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  private static double median(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }

  private static long[] round(double[] values) {
    return Arrays.stream(values).mapToLong(Math::round).toArray();
  }

  /** Short, varied sentences like search queries and chat turns (8 to 30 tokens). */
  static List<String> texts(int count, Random random) {
    String[] subjects = {"the customer", "our embedding worker", "a small language model", "the billing service",
        "the nightly batch job", "a user in Berlin", "the search index", "the support team"};
    String[] verbs = {"asked about", "could not find", "needs a summary of", "reported a problem with",
        "wants to compare", "is waiting for"};
    String[] objects = {"the invoice from last month", "the latency of the cloud fallback",
        "two very similar product descriptions", "the NPU driver update", "a refund for a damaged parcel",
        "the queue depth alert that fired twice overnight", "how batching changes throughput"};
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(subjects[random.nextInt(subjects.length)] + " " + verbs[random.nextInt(verbs.length)] + " "
          + objects[random.nextInt(objects.length)] + (random.nextInt(3) == 0 ? " again, ticket " + i : ""));
    }
    return out;
  }
}
