package dev.headroom.examples.llm;

import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.CloudConfig;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.OllamaNode;
import dev.headroom.llm.SpendLimit;
import dev.headroom.llm.SpendLimitExceededException;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * headroom-llm-router in one page: two Ollama nodes (2 parallel slots each) and an OpenAI-compatible cloud that
 * takes the overflow, within a spend limit of 5 requests a minute. Runs on fakes on loopback (testkit's FakeOllama
 * and FakeOpenAi speak the real protocols); point the URIs at real servers to route a real fleet.
 *
 * <pre>java -cp examples/target/headroom-demo.jar dev.headroom.examples.llm.LlmRouterExample</pre>
 */
public final class LlmRouterExample {
  private LlmRouterExample() {}

  /** Runs the example and prints who served what. */
  public static void main(String[] args) throws Exception {
    String key = "sk-example-key"; // a real one: System.getenv("OPENAI_API_KEY")
    try (FakeOllama gpu1 = slowNode("gpu-1"); FakeOllama gpu2 = slowNode("gpu-2");
        FakeOpenAi openAi = FakeOpenAi.builder("cloud").apiKey(key).start();
        LlmRouter llm = LlmRouter.builder()
            .node(OllamaNode.of("gpu-1", gpu1.uri(), 2))               // 2 = the node's OLLAMA_NUM_PARALLEL
            .node(OllamaNode.of("gpu-2", gpu2.uri(), 2))
            .cloud(CloudConfig.builder(openAi.uri())
                .apiKey(key)                                          // never logged, never in toString()
                .model("llama3.2", "gpt-4o-mini")                     // what the cloud serves in its place
                .spendLimit(SpendLimit.requestsPerMinute(5))
                .build())
            .localWaitBudget(Duration.ofMillis(200))                  // overflow when a local slot is > 200 ms away
            .build()) {

      // 1. One answer: the least-loaded node that has the model.
      ChatResponse answer = llm.chat(ChatRequest.chat("llama3.2").user("Why is the sky blue?").build());
      System.out.println("one answer from " + answer.endpoint() + " (" + answer.tier() + "): " + answer.text());

      // 2. The same, streamed chunk by chunk.
      StringBuilder streamed = new StringBuilder();
      ChatResponse done = llm.stream(ChatRequest.chat("llama3.2").user("Tell me a story").build())
          .forEach(chunk -> streamed.append(chunk.text())).get();
      System.out.println("streamed from " + done.endpoint() + ": " + streamed);

      // 3. Twelve at once: four local slots; the rest overflow to the cloud until the spend limit says no.
      ExecutorService callers = Executors.newFixedThreadPool(12);
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String prompt = "question " + i;
        calls.add(callers.submit(() -> {
          try {
            return llm.chat(ChatRequest.chat("llama3.2").user(prompt).build()).tier();
          } catch (SpendLimitExceededException e) {
            return "refused";
          }
        }));
      }
      Map<String, Integer> tiers = new TreeMap<>();
      for (Future<String> call : calls) {
        tiers.merge(call.get(), 1, Integer::sum);
      }
      callers.shutdown();
      System.out.println("twelve at once: " + tiers);
      System.out.println("cloud requests this minute: " + llm.cloudRequestsLastMinute() + " (limit 5)");
      System.out.println("the router, as logs show it: " + llm);
      System.out.println("requests still in flight: "
          + (llm.localPool().inFlight() + llm.cloudPool().orElseThrow().inFlight()));
    }
  }

  /** A fake Ollama node with llama3.2 loaded that answers 40 tokens at 40 tokens/s (about a second). */
  private static FakeOllama slowNode(String name) {
    return FakeOllama.builder(name).model("llama3.2").loaded("llama3.2").parallel(2)
        .tokensPerSecond(40).answerTokens(40).start();
  }
}
