package dev.headroom.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.llm.CloudConfig;
import dev.headroom.llm.InMemoryResponseCache;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.OllamaNode;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import java.time.Duration;
import java.util.List;

/**
 * One fake Ollama node with {@link #MODEL} loaded, a fake OpenAI-compatible cloud that serves it as
 * {@link #CLOUD_MODEL}, and a router over both with a response cache (the llm-router tests' setup), all closed
 * together.
 */
final class Fleet implements AutoCloseable {
  static final String MODEL = "llama3.2";
  static final String EMBED_MODEL = "nomic-embed-text";
  static final String CLOUD_MODEL = "gpt-4o-mini";

  final FakeOllama gpu = FakeOllama.builder("gpu").loaded(MODEL).model(EMBED_MODEL).embeddingDims(16).start();
  final FakeOpenAi cloud = FakeOpenAi.builder("cloud").start();
  final LlmRouter router = LlmRouter.builder()
      .node(OllamaNode.of(gpu.name(), gpu.uri(), 2))
      .cloud(CloudConfig.builder(cloud.uri()).model(MODEL, CLOUD_MODEL).build())
      .pollInterval(Duration.ofMillis(200))
      .noHealthCheck()
      .firstTokenTimeout(Duration.ofSeconds(10))
      .idleTimeout(Duration.ofSeconds(10))
      .requestTimeout(Duration.ofSeconds(30))
      .responseCache(InMemoryResponseCache.create(100)) // deterministic requests only (temperature 0)
      .build();

  /** The body of the last request the node was sent. */
  JsonNode lastNodeBody() {
    List<JsonNode> bodies = gpu.bodies();
    return bodies.get(bodies.size() - 1);
  }

  /** The body of the last request the cloud was sent. */
  JsonNode lastCloudBody() {
    List<JsonNode> bodies = cloud.bodies();
    return bodies.get(bodies.size() - 1);
  }

  HeadroomChatModel chatModel() {
    return HeadroomChatModel.builder(router).defaultModel(MODEL).build();
  }

  HeadroomStreamingChatModel streamingModel() {
    return HeadroomStreamingChatModel.builder(router).defaultModel(MODEL).build();
  }

  @Override
  public void close() {
    router.close();
    gpu.close();
    cloud.close();
  }
}
