package dev.headroom.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real inference: all-MiniLM-L6-v2 from the langchain4j jar, run by ONNX Runtime on the CPU. */
class OnnxRuntimeBackendTest {
  private static EmbeddingModel model;
  private static OnnxRuntimeBackend backend;

  @BeforeAll
  static void load() {
    model = EmbeddingModel.allMiniLmL6V2();
    backend = OnnxRuntimeBackend.builder(model).threads(2).build();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void similarSentencesAreCloserThanUnrelatedOnes() throws Exception {
    List<float[]> v = backend.embed(EmbeddingBatch.tokenized(model.tokenizer(),
        List.of("a cat sits on the mat", "a cat is sitting on a mat", "the stock market fell sharply")));
    double similar = Vectors.cosine(v.get(0), v.get(1));
    double unrelated = Vectors.cosine(v.get(0), v.get(2));
    assertThat(similar).isGreaterThan(unrelated + 0.3);
    assertThat(similar).isGreaterThan(0.7);
    for (float[] vector : v) {
      assertThat(vector).hasSize(384);
      assertThat(Vectors.norm(vector)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void batchedOutputsEqualUnbatchedOutputs() throws Exception {
    List<String> texts = List.of("short", "a somewhat longer sentence about embeddings and batching",
        "Héllo wörld, naïve café!", "numbers 1 2 3 and symbols $ % &", "the quick brown fox jumps over the lazy dog");
    List<float[]> batched = backend.embed(EmbeddingBatch.tokenized(texts,
        texts.stream().map(model.tokenizer()::encode).toList(), 64)); // padded well past the longest row
    for (int i = 0; i < texts.size(); i++) {
      float[] alone = backend.embed(EmbeddingBatch.tokenized(model.tokenizer(), List.of(texts.get(i)))).get(0);
      assertThat(batched.get(i)).as(texts.get(i)).containsExactly(alone, within(1e-5f));
    }
  }

  @Test
  void poolResultsMatchDirectResultsAndKeepOrder() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      texts.add("sentence number " + i + (i % 3 == 0 ? " with a much longer tail that lands in another bucket" : ""));
    }
    try (EmbeddingPool pool = EmbeddingPool.builder("ort-pool")
        .tokenizer(model.tokenizer())
        .backend(OnnxRuntimeBackend.builder(model).threads(2).build())
        .maxBatchSize(16)
        .build()) {
      List<Embedding> pooled = pool.embedAll(texts);
      for (int i = 0; i < texts.size(); i += 7) {
        float[] alone = backend.embed(EmbeddingBatch.tokenized(model.tokenizer(), List.of(texts.get(i)))).get(0);
        assertThat(pooled.get(i).vector()).as(texts.get(i)).containsExactly(alone, within(1e-5f));
        assertThat(pooled.get(i).backend()).isEqualTo("onnxruntime-cpu");
      }
    }
  }

  @Test
  void aTenThousandTokenTextIsTruncatedWithAFlagAndStillEmbedded() {
    try (EmbeddingPool pool = EmbeddingPool.builder("ort-long")
        .tokenizer(model.tokenizer())
        .backend(OnnxRuntimeBackend.builder(model).threads(2).build())
        .build()) {
      Embedding longOne = pool.embed("lorem ipsum dolor sit amet ".repeat(2_000)); // 10k+ tokens
      Embedding shortOne = pool.embed("lorem ipsum dolor sit amet");
      assertThat(longOne.truncated()).isTrue();
      assertThat(longOne.tokens()).isEqualTo(EmbeddingModel.MINILM_MAX_TOKENS);
      assertThat(Vectors.norm(longOne.vector())).isCloseTo(1.0, within(1e-5));
      assertThat(shortOne.truncated()).isFalse();
      assertThat(longOne.cosine(shortOne)).isGreaterThan(0.5);
    }
  }
}
