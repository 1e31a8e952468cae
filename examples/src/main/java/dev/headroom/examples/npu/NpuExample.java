package dev.headroom.examples.npu;

import dev.headroom.npu.CloudEmbeddingBackend;
import dev.headroom.npu.Embedding;
import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.EmbeddingPoolBuilder;
import dev.headroom.npu.LocalBackends;
import dev.headroom.testkit.llm.FakeOpenAi;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * headroom-npu in one page: an embedding pool that runs all-MiniLM-L6-v2 on this machine (an OpenVINO NPU or GPU
 * when there is one, else ONNX Runtime on the CPU), batches the texts of many callers, and sends texts to an
 * OpenAI-compatible cloud once more than 32 wait locally. The cloud here is testkit's FakeOpenAi on loopback (its
 * vectors are not the model's); a real one must serve the same model.
 *
 * <pre>java -cp examples/target/headroom-demo.jar dev.headroom.examples.npu.NpuExample</pre>
 */
public final class NpuExample {
  private NpuExample() {}

  /** Runs the example and prints what ran where. */
  public static void main(String[] args) throws Exception {
    String key = "sk-example-key"; // a real one: System.getenv("EMBEDDINGS_API_KEY")
    EmbeddingModel model = EmbeddingModel.allMiniLmL6V2();                  // bundled: model + tokenizer
    LocalBackends.Choice local = LocalBackends.builder(model).onnxThreads(2).build().choose();
    System.out.println("runs here on: " + local.summary());                  // the log line says why

    try (FakeOpenAi openAi = FakeOpenAi.builder("cloud").apiKey(key).embeddingDims(384).start()) {
      EmbeddingPoolBuilder builder = EmbeddingPool.builder("example")
          .tokenizer(model.tokenizer())
          .cloud(CloudEmbeddingBackend.builder(openAi.uri(), key)       // never logged, never in toString()
              .model("sentence-transformers/all-MiniLM-L6-v2").build())
          .maxBatchSize(16)                                             // up to 16 texts per model run
          .maxQueueDelay(Duration.ofMillis(5))                          // a text waits at most 5 ms for others
          .queueThresholds(32, 500);                                    // past 32 waiting: the cloud
      local.backends().forEach(builder::backend);
      // an NPU box running NpuWorkerServer would join the local ones:
      // builder.backend(RemoteWorkerBackend.builder("npu-1", URI.create("http://10.0.0.7:8080")).build());

      try (EmbeddingPool pool = builder.build()) {
        // 1. Three texts: the two about cats are close, the third is not.
        List<Embedding> three = pool.embedAll(List.of("a cat sits on the mat", "a cat is sitting on a mat",
            "the stock market fell sharply"));
        System.out.printf(Locale.ROOT, "similarity: cat/cat %.2f, cat/stock market %.2f (%d dimensions, by %s)%n",
            three.get(0).cosine(three.get(1)), three.get(0).cosine(three.get(2)), three.get(0).dimensions(),
            three.get(0).backend());

        // 2. A burst of 200 texts at once: 32 wait for the local model, the rest spill to the cloud.
        List<String> burst = IntStream.range(0, 200).mapToObj(i -> "support ticket number " + i).toList();
        Map<String, Integer> byBackend = new TreeMap<>();
        for (CompletableFuture<Embedding> future : pool.submitAll(burst)) {
          byBackend.merge(future.get().backend(), 1, Integer::sum);
        }
        System.out.println("a burst of 200: " + byBackend);
        System.out.println("the pool, as logs show it: " + pool.backends());
        System.out.println("texts still queued: " + pool.queueDepth());
      }
    }
  }
}
