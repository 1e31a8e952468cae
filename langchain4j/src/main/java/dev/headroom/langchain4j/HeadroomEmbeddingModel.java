package dev.headroom.langchain4j;

import dev.headroom.core.Checks;
import dev.headroom.llm.EmbedRequest;
import dev.headroom.llm.EmbedResponse;
import dev.headroom.llm.LlmRouter;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * LangChain4j's {@link EmbeddingModel} over {@link LlmRouter#embed}: the segments' texts go in one request to the
 * least-loaded node that has the model (or to the cloud on overflow), and one vector per segment comes back, in
 * order. Segment metadata stays on the caller's side. Immutable and thread-safe.
 *
 * <pre>{@code
 * EmbeddingModel embeddings = HeadroomEmbeddingModel.builder(router).defaultModel("nomic-embed-text").build();
 * }</pre>
 */
public final class HeadroomEmbeddingModel implements EmbeddingModel {
  private final LlmRouter router;
  private final String model;

  private HeadroomEmbeddingModel(Builder b) {
    this.router = b.router;
    this.model = b.defaultModel;
  }

  /** A builder of a model that embeds through {@code router}. */
  public static Builder builder(LlmRouter router) {
    return new Builder(router);
  }

  /** One vector per segment, in order; no token usage (Ollama's {@code /api/embed} reply has none to map). */
  @Override
  public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
    if (textSegments == null || textSegments.isEmpty()) {
      return Response.from(List.of());
    }
    List<String> texts = new ArrayList<>(textSegments.size());
    textSegments.forEach(segment -> texts.add(segment.text()));
    EmbedResponse response = router.embed(new EmbedRequest(model, texts));
    List<Embedding> embeddings = new ArrayList<>(response.vectors().size());
    response.vectors().forEach(vector -> embeddings.add(new Embedding(vector.clone())));
    return Response.from(embeddings);
  }

  @Override
  public String modelName() {
    return model;
  }

  @Override
  public String toString() {
    return "HeadroomEmbeddingModel{" + model + " via " + router + '}';
  }

  /** Builds a {@link HeadroomEmbeddingModel}. */
  public static final class Builder {
    private final LlmRouter router;
    private String defaultModel;

    private Builder(LlmRouter router) {
      this.router = Objects.requireNonNull(router, "router");
    }

    /** The embedding model (a name or a router alias); required. */
    public Builder defaultModel(String value) {
      this.defaultModel = value;
      return this;
    }

    /** Validates and builds. */
    public HeadroomEmbeddingModel build() {
      Checks.in("langchain4j embedding model").nonBlank("defaultModel", defaultModel);
      return new HeadroomEmbeddingModel(this);
    }
  }
}
