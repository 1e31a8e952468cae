package dev.headroom.bench.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.Deployment;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.ModelGroup;
import dev.headroom.llm.OllamaNode;
import dev.headroom.llm.Provider;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import dev.headroom.testkit.llm.LlmFault;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 18's 429 storm: a model group over two OpenAI-compatible providers, the first of which answers every call
 * with {@code 429 Retry-After: 2} for a stretch of the run. Poisson arrivals, each request with a 2 s deadline.
 * Compares, in the same run, Headroom's model group with a plain client that tries the first provider and falls back
 * to the second on a 429 (what a hand-written fallback does): the share of requests answered within their deadline,
 * and the calls the limited provider got while a {@code Retry-After} it had sent was in force.
 *
 * <p>A call counts as made during a {@code Retry-After} when it reached the provider more than {@link #IN_FLIGHT}
 * after a 429 it had answered and before that 429's {@code Retry-After} ran out: a call that was already on its way
 * when the 429 went out could not have known of it. The count with no such margin is printed too.
 *
 * <pre>
 * mvn -q -ntp -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.llm.RateLimitStormBenchmark           # 30 s a side
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.llm.RateLimitStormBenchmark --small   # 12 s a side
 * </pre>
 */
public final class RateLimitStormBenchmark {
  static final double REQUESTS_PER_SECOND = 40;
  static final Duration DEADLINE = Duration.ofSeconds(2);
  static final Duration RETRY_AFTER = Duration.ofSeconds(2);
  static final Duration IN_FLIGHT = Duration.ofMillis(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private RateLimitStormBenchmark() {}

  /** One client's figures. */
  record Result(String name, int requests, int withinDeadline, int failed, long limitedCalls, long storm429s,
      long callsDuringRetryAfter, long callsDuringRetryAfterNoMargin, double p99Millis) {
    double share() {
      return requests == 0 ? 0 : (double) withinDeadline / requests;
    }
  }

  /** A way to send one request, returning the provider that answered. */
  @FunctionalInterface
  interface Client {
    String ask(String text) throws Exception;
  }

  /** Runs both clients and prints the table. */
  public static void main(String[] args) throws Exception {
    boolean small = List.of(args).contains("--small");
    Duration run = Duration.ofSeconds(small ? 12 : 30);
    Duration stormFrom = Duration.ofSeconds(small ? 3 : 5);
    Duration stormTo = Duration.ofSeconds(small ? 9 : 20);
    List<Result> results = new ArrayList<>();
    results.add(headroom(run, stormFrom, stormTo));
    results.add(plainFallback(run, stormFrom, stormTo));
    print(System.out, results, run, stormFrom, stormTo);
  }

  private static FakeOpenAi provider(String name) {
    return FakeOpenAi.builder(name).firstToken(Duration.ofMillis(40)).tokensPerSecond(2_000).answerTokens(16)
        .start();
  }

  static Result headroom(Duration run, Duration stormFrom, Duration stormTo) throws Exception {
    try (FakeOllama node = FakeOllama.builder("gpu-1").loaded("qwen2.5").start(); // no node has the group's model
        FakeOpenAi first = provider("openai");
        FakeOpenAi second = provider("azure")) {
      Provider openai = Provider.builder("openai", first.uri()).build();
      Provider azure = Provider.builder("azure", second.uri()).build();
      try (LlmRouter llm = LlmRouter.builder().name("storm")
          .node(OllamaNode.of(node.name(), node.uri(), 2))
          .modelGroup(ModelGroup.builder("chat")
              .deployment(Deployment.on(openai, "gpt-4o-mini").build())
              .deployment(Deployment.on(azure, "gpt-4o-mini").build())
              .build())
          .noHealthCheck().requestTimeout(DEADLINE).build()) {
        Client client = text -> {
          ChatResponse answer = llm.chat(ChatRequest.chat("chat").user(text).maxTokens(16).build());
          return answer.tier();
        };
        return drive("Headroom model group", client, first, run, stormFrom, stormTo);
      }
    }
  }

  /** Tries the first provider, and the second on a 429 or an error: no memory of a Retry-After. */
  static Result plainFallback(Duration run, Duration stormFrom, Duration stormTo) throws Exception {
    try (FakeOpenAi first = provider("openai");
        FakeOpenAi second = provider("azure")) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1)).build();
      Client client = text -> {
        long until = System.nanoTime() + DEADLINE.toNanos();
        for (FakeOpenAi provider : List.of(first, second)) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            throw new IllegalStateException("deadline");
          }
          ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini").put("max_tokens", 16);
          body.putArray("messages").addObject().put("role", "user").put("content", text);
          HttpRequest request = HttpRequest.newBuilder(URI.create(provider.uri() + "/v1/chat/completions"))
              .timeout(Duration.ofNanos(left)).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
          HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200) {
            return provider.name();
          }
        }
        throw new IllegalStateException("both providers refused");
      };
      return drive("plain fallback on 429", client, first, run, stormFrom, stormTo);
    }
  }

  /** Sends Poisson arrivals through {@code client} for {@code run}, with the storm on {@code limited} meanwhile. */
  static Result drive(String name, Client client, FakeOpenAi limited, Duration run, Duration stormFrom,
      Duration stormTo) throws Exception {
    ExecutorService senders = Executors.newCachedThreadPool();
    SplittableRandom random = new SplittableRandom(18);
    List<Future<Long>> sent = new ArrayList<>();
    AtomicInteger failed = new AtomicInteger();
    long start = System.nanoTime();
    boolean storming = false;
    long next = start;
    int i = 0;
    while (next - start < run.toNanos()) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      long elapsed = System.nanoTime() - start;
      if (!storming && elapsed >= stormFrom.toNanos() && elapsed < stormTo.toNanos()) {
        limited.inject(LlmFault.busy(RETRY_AFTER));
        storming = true;
      } else if (storming && elapsed >= stormTo.toNanos()) {
        limited.clearFaults();
        storming = false;
      }
      String text = "question " + i++;
      sent.add(senders.submit(() -> {
        long began = System.nanoTime();
        try {
          client.ask(text);
          return System.nanoTime() - began;
        } catch (Exception e) {
          failed.incrementAndGet();
          return -1L;
        }
      }));
      next += (long) (-Math.log(1 - random.nextDouble()) / REQUESTS_PER_SECOND * 1e9);
    }
    limited.clearFaults();
    List<Long> latencies = new ArrayList<>();
    int within = 0;
    for (Future<Long> f : sent) {
      long nanos = f.get();
      if (nanos >= 0) {
        latencies.add(nanos);
        if (nanos <= DEADLINE.toNanos()) {
          within++;
        }
      }
    }
    senders.shutdownNow();
    Collections.sort(latencies);
    double p99 = latencies.isEmpty() ? Double.NaN
        : latencies.get(Math.min(latencies.size() - 1, (int) Math.ceil(latencies.size() * 0.99) - 1)) / 1e6;
    List<FakeOpenAi.Call> calls = limited.calls();
    long busy = calls.stream().filter(c -> c.retryAfter() != null).count();
    return new Result(name, sent.size(), within, failed.get(), calls.size(), busy,
        duringRetryAfter(calls, IN_FLIGHT.toNanos()), duringRetryAfter(calls, 0), p99);
  }

  /** Calls that arrived more than {@code margin} after a 429 and before its Retry-After ran out. */
  static long duringRetryAfter(List<FakeOpenAi.Call> calls, long margin) {
    long count = 0;
    for (FakeOpenAi.Call call : calls) {
      for (FakeOpenAi.Call refused : calls) {
        if (refused.retryAfter() == null) {
          continue;
        }
        long from = refused.arrivedNanos() + margin;
        long to = refused.arrivedNanos() + refused.retryAfter().toNanos();
        if (call.arrivedNanos() > from && call.arrivedNanos() < to) {
          count++;
          break;
        }
      }
    }
    return count;
  }

  static void print(PrintStream out, List<Result> results, Duration run, Duration stormFrom, Duration stormTo) {
    out.printf(Locale.ROOT, "%.0f requests/s for %d s, deadline %d ms; the first provider answers 429 Retry-After: %d"
            + " from %d s to %d s%n%n", REQUESTS_PER_SECOND, run.toSeconds(), DEADLINE.toMillis(),
        RETRY_AFTER.toSeconds(), stormFrom.toSeconds(), stormTo.toSeconds());
    out.println("| client | requests | within deadline | failed | p99 ms | calls to the limited provider | its 429s "
        + "| calls during its Retry-After (20 ms margin / none) |");
    out.println("|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      out.printf(Locale.ROOT, "| %s | %d | %.2f%% | %d | %.0f | %d | %d | %d / %d |%n", r.name(), r.requests(),
          100 * r.share(), r.failed(), r.p99Millis(), r.limitedCalls(), r.storm429s(), r.callsDuringRetryAfter(),
          r.callsDuringRetryAfterNoMargin());
    }
  }
}
