package dev.headroom.bench.llm;

import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import java.time.Duration;
import java.util.List;

/**
 * The fleet of the benchmark, started fresh for each strategy so that each meets the same cold node: three Ollama
 * nodes with two slots each ({@code OLLAMA_NUM_PARALLEL=2}) and a cloud API, on loopback.
 * <ul>
 *   <li>{@code gpu-1}: the model loaded, 100 tokens/s;
 *   <li>{@code gpu-2}: the model loaded, twice as slow;
 *   <li>{@code gpu-3}: the model on disk but not loaded: the first request pays a 3 s cold load;
 *   <li>{@code cloud}: an OpenAI-compatible API, 150 ms to first token.
 * </ul>
 */
final class Scenario implements AutoCloseable {
  static final String MODEL = "llama3.2";
  static final String CLOUD_MODEL = "gpt-4o-mini";
  static final int PARALLEL = 2;
  static final int ANSWER_TOKENS = 24;

  final List<FakeOllama> nodes;
  final FakeOpenAi cloud;

  Scenario() {
    FakeOllama fast = base("gpu-1").loaded(MODEL).start();
    FakeOllama slow = base("gpu-2").loaded(MODEL).start();
    slow.slowDown(2);
    FakeOllama cold = base("gpu-3").model(MODEL).coldLoad(Duration.ofSeconds(3)).start();
    this.nodes = List.of(fast, slow, cold);
    this.cloud = FakeOpenAi.builder("cloud").firstToken(Duration.ofMillis(150)).tokensPerSecond(200)
        .answerTokens(ANSWER_TOKENS).start();
  }

  private static FakeOllama.Builder base(String name) {
    return FakeOllama.builder(name).parallel(PARALLEL).maxQueue(512).tokensPerSecond(100)
        .promptEval(Duration.ofMillis(30)).answerTokens(ANSWER_TOKENS);
  }

  @Override
  public void close() {
    nodes.forEach(FakeOllama::close);
    cloud.close();
  }
}
