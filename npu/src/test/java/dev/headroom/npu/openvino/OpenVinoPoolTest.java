package dev.headroom.npu.openvino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.npu.Embedding;
import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.NpuMetricNames;
import dev.headroom.npu.Tokenizer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** An embedding pool on an OpenVINO device through the JNI path, with a batch that holds one bad input. */
@Tag("openvino-stub")
class OpenVinoPoolTest {
  private static final Tokenizer TOKENIZER = EmbeddingModel.allMiniLmL6V2().tokenizer();

  @Test
  void oneBadInputFailsAloneAndItsNeighboursAreServed() throws Exception {
    int poison = TOKENIZER.encode("poison").ids()[1];
    StubLibrary.configure("OVSTUB_DEVICES=NPU,CPU", "OVSTUB_POISON_TOKEN=" + poison);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      texts.add(i == 5 ? "this one carries poison" : "ordinary text number " + i);
    }
    try (OpenVinoCore runtime = OpenVino.runtime()) {
      OpenVinoBackend npu = OpenVinoBackend.builder(runtime, StubLibrary.modelFile()).maxBatchSize(8)
          .lengthBuckets(16, 32).build();
      try (EmbeddingPool pool = EmbeddingPool.builder("ov-pool")
          .tokenizer(TOKENIZER)
          .backend(npu)
          .lengthBuckets(16, 32)
          .maxBatchSize(8)
          .maxQueueDelay(java.time.Duration.ofSeconds(30)) // the eight texts fill one batch, which goes at once
          .meterRegistry(registry)
          .build()) {
        List<CompletableFuture<Embedding>> futures = pool.submitAll(texts);
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).exceptionally(e -> null).join();
        for (int i = 0; i < texts.size(); i++) {
          CompletableFuture<Embedding> future = futures.get(i);
          if (i == 5) {
            assertThat(future).isCompletedExceptionally();
            try {
              future.get();
            } catch (ExecutionException e) {
              assertThat(e.getCause()).isInstanceOf(OpenVinoException.class)
                  .hasMessageContaining("poison token");
            }
          } else {
            Embedding embedding = future.get();
            assertThat(embedding.backend()).isEqualTo("openvino");
            assertThat(embedding.vector()).as(texts.get(i)).containsExactly(
                StubLibrary.expectedVector(TOKENIZER.encode(texts.get(i)).ids(), 384), within(1e-5f));
          }
        }
        assertThat(registry.get(NpuMetricNames.SPLITS).counter().count()).as("8 -> 4 -> 2 -> 1").isEqualTo(3.0);
        assertThat(registry.get(NpuMetricNames.EMBEDDINGS).tags("outcome", "success").counter().count())
            .isEqualTo(7.0);
        assertThat(registry.get(NpuMetricNames.EMBEDDINGS).tags("outcome", "failure").counter().count())
            .isEqualTo(1.0);
      }
    }
    assertThat(StubLibrary.live()).allSatisfy((kind, count) -> assertThat(count).as(kind).isZero());
  }
}
