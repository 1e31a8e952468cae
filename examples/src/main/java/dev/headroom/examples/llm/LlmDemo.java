package dev.headroom.examples.llm;

import dev.headroom.core.HeadroomMetrics;
import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.ChatStream;
import dev.headroom.llm.CloudConfig;
import dev.headroom.llm.InMemoryResponseCache;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.NodeStatus;
import dev.headroom.llm.OllamaNode;
import dev.headroom.llm.SpendLimit;
import dev.headroom.llm.SpendLimitExceededException;
import dev.headroom.llm.StreamInterruptedException;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import dev.headroom.testkit.llm.LlmFault;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The LLM section of the demo. By default it runs on embedded fakes (three Ollama nodes: one fast, one twice as
 * slow, one with the model cold; and an OpenAI-compatible cloud) and shows model-aware least-loaded routing,
 * overflow to the cloud, a node killed mid-stream, backpressure, the spend limit and the response cache.
 *
 * <p>With {@code OLLAMA_URLS} set (comma-separated base URLs) it also runs the same routing against that real fleet;
 * {@code OLLAMA_NUM_PARALLEL} (default 1) is each node's concurrency, {@code OLLAMA_MODEL} the model (default: the
 * first one the fleet lists), and {@code CLOUD_URL} / {@code CLOUD_API_KEY} / {@code CLOUD_MODEL} an optional
 * OpenAI-compatible overflow.
 */
public final class LlmDemo {
  private static final String MODEL = "llama3.2";
  private static final String CLOUD_MODEL = "gpt-4o-mini";

  private LlmDemo() {}

  /**
   * Runs the LLM section: the embedded fleet always, a real fleet when {@code OLLAMA_URLS} is set.
   *
   * @param out where to print
   * @param small a shorter run (fewer requests), for CI and quick looks
   */
  public static void run(PrintStream out, boolean small) throws Exception {
    out.println("== LLM router: model-aware least-loaded routing over Ollama, cloud overflow, safe streams ==");
    embedded(out, small);
    String urls = System.getenv("OLLAMA_URLS");
    if (urls != null && !urls.isBlank()) {
      real(out, small, urls);
    } else {
      out.println("(set OLLAMA_URLS=http://host:11434,... to run the same routing against a real fleet)");
    }
  }

  private static void embedded(PrintStream out, boolean small) throws Exception {
    List<FakeOllama> nodes = List.of(
        node("gpu-1").loaded(MODEL).start(),
        node("gpu-2").loaded(MODEL).start(),
        node("gpu-3").model(MODEL).coldLoad(Duration.ofMillis(1500)).start());
    nodes.get(1).slowDown(2);
    FakeOpenAi cloud = FakeOpenAi.builder("cloud").apiKey("sk-demo-key").firstToken(Duration.ofMillis(120)).start();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExecutorService clients = Executors.newFixedThreadPool(64);
    LlmRouter.Builder b = LlmRouter.builder()
        .cloud(CloudConfig.builder(cloud.uri()).apiKey("sk-demo-key").model(MODEL, CLOUD_MODEL)
            .model("mistral", CLOUD_MODEL).spendLimit(SpendLimit.requestsPerMinute(small ? 30 : 200)).build())
        .localWaitBudget(Duration.ofMillis(400))
        .pollInterval(Duration.ofSeconds(1))
        .responseCache(InMemoryResponseCache.create(1000))
        .meterRegistry(registry);
    nodes.forEach(n -> b.node(OllamaNode.of(n.name(), n.uri(), 2)));
    try (LlmRouter router = b.build()) {
      out.println("-- the embedded fleet (gpu-2 is twice as slow; gpu-3 has the model on disk, not loaded)");
      printFleet(out, router);

      out.println("-- one streamed answer");
      StringBuilder text = new StringBuilder();
      ChatResponse answer = router.stream(ChatRequest.chat(MODEL).user("Why route by load?").build())
          .forEach(chunk -> text.append(chunk.text())).get(30, TimeUnit.SECONDS);
      out.printf(Locale.ROOT, "   \"%s\" from %s, first token after %d ms, %.0f tokens/s%n", text.toString().strip(),
          answer.endpoint(), answer.timeToFirstToken().toMillis(), answer.tokensPerSecond());

      int burst = small ? 24 : 80;
      out.printf("-- a burst of %d concurrent requests (2 slots per node, 400 ms local wait budget)%n", burst);
      Map<String, Integer> served = new TreeMap<>();
      List<CompletableFuture<ChatResponse>> replies = new ArrayList<>();
      for (int i = 0; i < burst; i++) {
        ChatRequest request = ChatRequest.chat(MODEL).user("question " + i).build();
        replies.add(CompletableFuture.supplyAsync(() -> router.chat(request), clients));
      }
      for (CompletableFuture<ChatResponse> reply : replies) {
        served.merge(reply.get(60, TimeUnit.SECONDS).endpoint(), 1, Integer::sum);
      }
      out.println("   served by: " + served + ", overflow counted as " + spillover(registry));
      printFleet(out, router);

      out.println("-- gpu-1 killed in the middle of a stream: the client keeps the tokens it got, once");
      nodes.forEach(n -> n.slowDown(4));
      ChatStream stream = router.stream(ChatRequest.chat(MODEL).user("a long story").build());
      StringBuilder partial = new StringBuilder();
      CompletableFuture<ChatResponse> result = stream.forEach(chunk -> {
        partial.append(chunk.text());
        if (chunk.index() == 2) {
          nodes.stream().filter(n -> n.pending() > 0).findFirst().ifPresent(FakeOllama::kill);
        }
      });
      try {
        result.get(30, TimeUnit.SECONDS);
        out.println("   (the stream finished before the kill)");
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof StreamInterruptedException interrupted) {
          out.printf("   StreamInterruptedException after %d chunks, partial text \"%s\" (same as received: %s)%n",
              interrupted.chunks(), interrupted.partialText().strip(),
              interrupted.partialText().contentEquals(partial));
        } else {
          out.println("   stream failed: " + e.getCause());
        }
      }
      nodes.forEach(n -> n.slowDown(1));
      nodes.get(1).slowDown(2);
      ChatResponse after = router.chat(ChatRequest.chat(MODEL).user("still there?").build());
      out.println("   the next request is served by " + after.endpoint() + "; nothing was retried mid-stream");

      out.println("-- gpu-2 answers 503 \"server busy\": backpressure, re-routed at once, never ejected");
      nodes.get(1).inject(LlmFault.busy());
      for (int i = 0; i < (small ? 6 : 20); i++) {
        router.chat(ChatRequest.chat(MODEL).user("busy " + i).build());
      }
      out.printf("   gpu-2 said busy %d times; its health: %s, ejections: %d%n", nodes.get(1).busyReplies(),
          router.localPool().endpoint("gpu-2").orElseThrow().health(router.localPool().ticker().read()),
          router.localPool().endpoint("gpu-2").orElseThrow().ejections());
      nodes.get(1).clearFaults();

      out.println("-- a deterministic request (temperature 0) is answered from the response cache the second time");
      ChatRequest deterministic = ChatRequest.chat(MODEL).user("2+2?").temperature(0).build();
      router.chat(deterministic);
      out.println("   second answer from: " + router.chat(deterministic).tier());

      out.println("-- the cloud spend limit refuses overflow with a typed error instead of spending silently");
      out.println("   (no node has 'mistral', so every request for it overflows to the cloud)");
      java.util.concurrent.atomic.AtomicInteger toCloud = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicReference<SpendLimitExceededException> refused =
          new java.util.concurrent.atomic.AtomicReference<>();
      List<CompletableFuture<Void>> senders = new ArrayList<>();
      for (int t = 0; t < 16; t++) { // 16 clients at once, each until the limit refuses one of them
        senders.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; refused.get() == null && i < 1000; i++) {
            try {
              router.chat(ChatRequest.chat("mistral").user("overflow " + i).build());
              toCloud.incrementAndGet();
            } catch (SpendLimitExceededException e) {
              refused.compareAndSet(null, e);
            }
          }
        }, clients));
      }
      CompletableFuture.allOf(senders.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
      out.printf("   %d requests went to the cloud, then: %s%n", toCloud.get(),
          refused.get() == null ? "(no refusal)" : refused.get().getMessage());
    } finally {
      clients.shutdownNow();
      nodes.forEach(FakeOllama::close);
      cloud.close();
    }
  }

  private static void real(PrintStream out, boolean small, String urls) throws Exception {
    int parallel = Integer.parseInt(System.getenv().getOrDefault("OLLAMA_NUM_PARALLEL", "1"));
    LlmRouter.Builder b = LlmRouter.builder().firstTokenTimeout(Duration.ofMinutes(3))
        .localWaitBudget(Duration.ofSeconds(10));
    int i = 0;
    for (String url : urls.split(",")) {
      b.node(OllamaNode.of("ollama-" + (++i), URI.create(url.strip()), parallel));
    }
    String model = System.getenv("OLLAMA_MODEL");
    String cloudUrl = System.getenv("CLOUD_URL");
    if (cloudUrl != null && !cloudUrl.isBlank() && model != null) {
      CloudConfig.Builder cloud = CloudConfig.builder(URI.create(cloudUrl))
          .model(model, System.getenv().getOrDefault("CLOUD_MODEL", CLOUD_MODEL))
          .spendLimit(SpendLimit.requestsPerMinute(10));
      String key = System.getenv("CLOUD_API_KEY");
      if (key != null && !key.isBlank()) {
        cloud.apiKey(key);
      }
      b.cloud(cloud.build());
    }
    out.println("-- a real fleet: " + urls);
    try (LlmRouter router = b.build()) {
      printFleet(out, router);
      if (model == null) {
        model = router.fleet().stream().flatMap(s -> s.modelsOnDisk().stream()).findFirst().orElse(null);
      }
      if (model == null) {
        out.println("   no node listed any model (is OLLAMA_URLS right?)");
        return;
      }
      String chosen = model;
      StringBuilder text = new StringBuilder();
      ChatResponse answer = router.stream(ChatRequest.chat(chosen).user("In one sentence: what is a load balancer?")
          .maxTokens(60).build()).forEach(chunk -> text.append(chunk.text())).get(5, TimeUnit.MINUTES);
      out.printf(Locale.ROOT, "   %s on %s: \"%s\" (first token %d ms, load %d ms, %.1f tokens/s)%n", chosen,
          answer.endpoint(), text.toString().strip(), answer.timeToFirstToken().toMillis(),
          answer.loadDuration().toMillis(), answer.tokensPerSecond());
      int burst = small ? 3 : 8;
      Map<String, Integer> served = new TreeMap<>();
      List<CompletableFuture<ChatResponse>> replies = new ArrayList<>();
      for (int k = 0; k < burst; k++) {
        ChatRequest request = ChatRequest.chat(chosen).user("Name a prime number above " + (k * 10)).maxTokens(20)
            .build();
        replies.add(CompletableFuture.supplyAsync(() -> router.chat(request)));
      }
      for (CompletableFuture<ChatResponse> reply : replies) {
        served.merge(reply.get(5, TimeUnit.MINUTES).endpoint(), 1, Integer::sum);
      }
      out.println("   " + burst + " concurrent requests served by: " + served);
      printFleet(out, router);
    }
  }

  private static FakeOllama.Builder node(String name) {
    return FakeOllama.builder(name).parallel(2).tokensPerSecond(150).promptEval(Duration.ofMillis(30))
        .answerTokens(10);
  }

  private static void printFleet(PrintStream out, LlmRouter router) {
    for (NodeStatus s : router.fleet()) {
      out.printf(Locale.ROOT, "   %-7s %-6s %s in flight %d/%d, loaded %s%s%n", s.id(), s.tier(), s.health(),
          s.inFlight(), s.limit(), s.modelsLoaded(), s.tokensPerSecond() > 0
              ? String.format(Locale.ROOT, ", ttft %d ms, %.0f tokens/s", s.timeToFirstToken().toMillis(),
                  s.tokensPerSecond()) : "");
    }
  }

  private static String spillover(SimpleMeterRegistry registry) {
    Map<String, Double> reasons = new TreeMap<>();
    for (Counter c : registry.find(HeadroomMetrics.SPILLOVER).counters()) {
      reasons.merge(c.getId().getTag("from") + "->" + c.getId().getTag("to") + " " + c.getId().getTag("reason"),
          c.count(), Double::sum);
    }
    return reasons.isEmpty() ? "none" : reasons.toString();
  }
}
