package dev.headroom.examples.spring;

import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.OnnxRuntimeBackend;
import dev.headroom.npu.testing.EmbeddingWorker;
import dev.headroom.testkit.browser.PageServer;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import dev.headroom.testkit.redis.RedisClusterFixture;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The embedded stand-ins of the {@code fakes} profile: two Ollama nodes with {@code llama3.2} (2 parallel slots each,
 * one with the model already loaded), an OpenAI-compatible cloud API that checks its key (chat and 384-dimension
 * embeddings), a page server for the screenshots, an NPU embedding worker (a real one: all-MiniLM-L6-v2 on ONNX
 * Runtime behind {@code POST /embed}) and, when {@code redis-server} is installed, a Redis Cluster of six real
 * {@code redis-server} processes. Their URLs (and the fake key) go into the environment as {@code fakes.<name>},
 * which {@code application.yml} uses ahead of the real URLs.
 */
final class FakeBackends implements AutoCloseable {
  /** The key the fake cloud API accepts; a real key comes from {@code OPENAI_API_KEY}. */
  static final String CLOUD_KEY = "sk-fake-sample-key";

  private final FakeOllama ollama1;
  private final FakeOllama ollama2;
  private final FakeOpenAi cloud;
  private final PageServer pages;
  private final EmbeddingWorker npuWorker;
  private final Optional<RedisClusterFixture> redis;

  private FakeBackends(FakeOllama ollama1, FakeOllama ollama2, FakeOpenAi cloud, PageServer pages,
      EmbeddingWorker npuWorker, Optional<RedisClusterFixture> redis) {
    this.ollama1 = ollama1;
    this.ollama2 = ollama2;
    this.cloud = cloud;
    this.pages = pages;
    this.npuWorker = npuWorker;
    this.redis = redis;
  }

  /** Starts the fakes; the Redis Cluster only when {@code withRedis}. */
  static FakeBackends start(boolean withRedis) {
    EmbeddingModel model = EmbeddingModel.allMiniLmL6V2();
    return new FakeBackends(
        FakeOllama.builder("ollama-1").model("llama3.2").loaded("llama3.2").parallel(2).seed(1).start(),
        FakeOllama.builder("ollama-2").model("llama3.2").parallel(2).coldLoad(Duration.ofMillis(300)).seed(2).start(),
        FakeOpenAi.builder("cloud").apiKey(CLOUD_KEY).embeddingDims(384).start(),
        PageServer.start(),
        EmbeddingWorker.start(EmbeddingPool.builder("npu-worker").tokenizer(model.tokenizer())
            .backend(OnnxRuntimeBackend.builder(model).id("worker-cpu").threads(1).spinning(false).build())
            .build()),
        withRedis ? Optional.of(RedisClusterFixture.start()) : Optional.empty());
  }

  /**
   * {@code fakes.<name>} → {@code http://127.0.0.1:<port>}, {@code fakes.cloud-api-key}, and {@code fakes.redis-uris}
   * (the cluster's nodes, comma-separated) when the cluster runs.
   */
  Map<String, Object> properties() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("fakes.ollama-1", ollama1.uri().toString());
    properties.put("fakes.ollama-2", ollama2.uri().toString());
    properties.put("fakes.cloud", cloud.uri().toString());
    properties.put("fakes.cloud-api-key", CLOUD_KEY);
    properties.put("fakes.pages", pages.uri().toString());
    properties.put("fakes.npu-worker", npuWorker.uri().toString());
    redis.ifPresent(r -> properties.put("fakes.redis-uris",
        r.uris().stream().map(URI::toString).collect(Collectors.joining(","))));
    return properties;
  }

  /** A page of the page server, e.g. {@code /page?title=hello}. */
  String page(String pathAndQuery) {
    return pages.url(pathAndQuery);
  }

  /** The Redis Cluster, when it runs. */
  Optional<RedisClusterFixture> redis() {
    return redis;
  }

  /** Texts the NPU worker has embedded. */
  long npuWorkerTexts() {
    return npuWorker.texts();
  }

  /** Whether every fake has stopped (the page server and worker have no such query: they stop with the others). */
  boolean stopped() {
    return !ollama1.isRunning() && !ollama2.isRunning() && !cloud.isRunning()
        && redis.map(r -> r.nodes().stream().noneMatch(r::isRunning)).orElse(true);
  }

  @Override
  public void close() {
    ollama1.close();
    ollama2.close();
    cloud.close();
    pages.close();
    npuWorker.close();
    redis.ifPresent(RedisClusterFixture::close);
  }
}
