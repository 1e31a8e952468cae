package dev.headroom.examples.npu;

import dev.headroom.npu.Embedding;
import dev.headroom.npu.EmbeddingBackend;
import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.EmbeddingPoolBuilder;
import dev.headroom.npu.LocalBackends;
import dev.headroom.npu.OnnxRuntimeBackend;
import dev.headroom.npu.RemoteWorkerBackend;
import dev.headroom.npu.openvino.Availability;
import dev.headroom.npu.openvino.OpenVino;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The embedding section of the demo: what runs the model here (OpenVINO device or ONNX Runtime), a real
 * similarity check with all-MiniLM-L6-v2, batched against unbatched throughput on the same texts, and a remote
 * worker ({@link NpuWorkerServer}) on loopback serving a pool through {@code POST /embed}.
 */
public final class NpuDemo {
  private NpuDemo() {}

  /**
   * Prints the section to {@code out}.
   *
   * @param small fewer texts, for a quick run
   */
  public static void run(PrintStream out, boolean small) throws Exception {
    out.println("== NPU / embeddings ==");
    Availability openVino = OpenVino.availability();
    out.println("OpenVINO: " + (openVino.available() ? openVino.version() + " from " + openVino.library()
        : "not available here (" + brief(openVino.reason()) + ")"));
    EmbeddingModel model = EmbeddingModel.allMiniLmL6V2();
    LocalBackends.Choice local = LocalBackends.builder(model).onnxThreads(2).build().choose();
    out.println("local backend: " + local.summary());

    List<String> texts = texts(small ? 64 : 256);
    try (EmbeddingPool batched = pool("batched", model, local.backends(), 32);
        EmbeddingPool unbatched = pool("unbatched", model,
            List.of(OnnxRuntimeBackend.builder(model).id("cpu-unbatched").threads(2).build()), 1)) {
      List<Embedding> three = batched.embedAll(List.of("a cat sits on the mat", "a cat is sitting on a mat",
          "the stock market fell sharply"));
      out.printf(Locale.ROOT, "similarity: cat/cat %.3f, cat/stock market %.3f (%d dims, by %s)%n",
          three.get(0).cosine(three.get(1)), three.get(0).cosine(three.get(2)), three.get(0).dimensions(),
          three.get(0).backend());

      unbatched.embedAll(texts.subList(0, 8)); // warm up both paths
      batched.embedAll(texts.subList(0, 8));
      double one = rate(unbatched, texts);
      double many = rate(batched, texts);
      out.printf(Locale.ROOT, "throughput on %d texts: unbatched %.0f emb/s, batched %.0f emb/s (%.1fx); "
          + "the seed's NPU worker did ~50 emb/s%n", texts.size(), one, many, many / one);

      try (NpuWorkerServer worker = NpuWorkerServer.start(pool("worker", model,
              List.of(OnnxRuntimeBackend.builder(model).id("worker-cpu").threads(2).build()), 32),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
          EmbeddingPool client = EmbeddingPool.builder("client")
              .backend(RemoteWorkerBackend.builder("npu-worker-1", worker.uri()).build())
              .build()) {
        List<Embedding> remote = client.embedAll(texts.subList(0, 16));
        Embedding direct = batched.embed(texts.get(0));
        out.printf(Locale.ROOT, "remote worker %s: %d texts over POST /embed, same vector as local: %s; "
            + "load report: %s%n", worker.uri(), remote.size(), remote.get(0).cosine(direct) > 0.9999,
            worker.pool().load());
      }
    }
  }

  private static EmbeddingPool pool(String name, EmbeddingModel model, List<EmbeddingBackend> backends,
      int maxBatch) {
    EmbeddingPoolBuilder builder = EmbeddingPool.builder(name).tokenizer(model.tokenizer())
        .maxBatchSize(maxBatch).maxQueueDelay(Duration.ofMillis(maxBatch == 1 ? 0 : 5));
    backends.forEach(builder::backend);
    return builder.build();
  }

  private static double rate(EmbeddingPool pool, List<String> texts) {
    long start = System.nanoTime();
    pool.embedAll(texts);
    return texts.size() / ((System.nanoTime() - start) / 1e9);
  }

  static List<String> texts(int count) {
    String[] subjects = {"the cat", "a courier", "our NPU worker", "the stock market", "a small model",
        "the build machine", "an embedding pool", "the cloud tier"};
    String[] verbs = {"waits for", "routes", "embeds", "falls back to", "measures", "batches"};
    String[] objects = {"the mat", "a queue of requests", "short sentences", "the nearest GPU",
        "a remote worker", "the latency budget"};
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(subjects[i % subjects.length] + " " + verbs[(i / 3) % verbs.length] + " "
          + objects[(i / 7) % objects.length] + " #" + i);
    }
    return out;
  }

  private static String brief(String reason) {
    int cut = reason.indexOf(". Install");
    return cut > 0 ? reason.substring(0, cut) : reason;
  }
}
