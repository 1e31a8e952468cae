package dev.headroom.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HeadroomEmbeddingModel} over the router's {@code embed}. */
class EmbeddingTest {
  private final Fleet fleet = new Fleet();
  private final EmbeddingModel model = HeadroomEmbeddingModel.builder(fleet.router).defaultModel(Fleet.EMBED_MODEL)
      .build();

  @AfterEach
  void close() {
    fleet.close();
  }

  @Test
  void embedAllReturnsOneVectorPerSegmentInOrder() {
    List<TextSegment> segments = List.of(TextSegment.from("sky"), TextSegment.from("grass"),
        TextSegment.from("sea"));

    List<Embedding> embeddings = model.embedAll(segments).content();

    assertThat(embeddings).hasSize(3).allSatisfy(e -> assertThat(e.dimension()).isEqualTo(16));
    assertThat(embeddings.get(0).vector()).isNotEqualTo(embeddings.get(1).vector());
    assertThat(model.embed("grass").content().vector()).as("in input order").isEqualTo(embeddings.get(1).vector());
    assertThat(fleet.lastNodeBody().path("model").asText()).isEqualTo(Fleet.EMBED_MODEL);
    assertThat(model.dimension()).isEqualTo(16);
    assertThat(model.modelName()).isEqualTo(Fleet.EMBED_MODEL);
  }

  @Test
  void noSegmentsSendNothing() {
    assertThat(model.embedAll(List.of()).content()).isEmpty();
    assertThat(fleet.gpu.bodies()).isEmpty();
  }
}
