package dev.headroom.springai;

import dev.headroom.llm.EmbedRequest;
import dev.headroom.llm.EmbedResponse;
import dev.headroom.llm.LlmRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * Spring AI's {@link EmbeddingModel} backed by {@link LlmRouter#embed}: the texts go to an Ollama node that has the
 * model ({@code /api/embed}), or overflow to the cloud's embeddings; a bad reply (wrong count, NaN, zeros) is an
 * error, never vectors.
 *
 * <pre>{@code
 * EmbeddingModel embeddings = HeadroomEmbeddingModel.builder(llmRouter).model("all-minilm").build();
 * }</pre>
 */
public final class HeadroomEmbeddingModel implements EmbeddingModel {
  private final LlmRouter router;
  private final String model;

  private HeadroomEmbeddingModel(Builder b) {
    this.router = b.router;
    this.model = Objects.requireNonNull(b.model, "model");
  }

  /** A builder for a model over {@code router}. */
  public static Builder builder(LlmRouter router) {
    return new Builder(router);
  }

  @Override
  public EmbeddingResponse call(EmbeddingRequest request) {
    String chosen = request.getOptions() != null && request.getOptions().getModel() != null
        ? request.getOptions().getModel() : model;
    List<String> inputs = request.getInstructions();
    if (inputs.isEmpty()) {
      return new EmbeddingResponse(List.of());
    }
    EmbedResponse response = router.embed(new EmbedRequest(chosen, inputs));
    List<Embedding> out = new ArrayList<>();
    for (int i = 0; i < response.vectors().size(); i++) {
      out.add(new Embedding(response.vectors().get(i), i));
    }
    return new EmbeddingResponse(out);
  }

  @Override
  public float[] embed(Document document) {
    return embed(document.getText() == null ? "" : document.getText());
  }

  @Override
  public String toString() {
    return "HeadroomEmbeddingModel{" + model + " over " + router + '}';
  }

  /** Builds a {@link HeadroomEmbeddingModel}. */
  public static final class Builder {
    private final LlmRouter router;
    private String model;

    private Builder(LlmRouter router) {
      this.router = Objects.requireNonNull(router, "router");
    }

    /** The embedding model of requests that name none. Required. */
    public Builder model(String value) {
      this.model = Objects.requireNonNull(value, "model");
      return this;
    }

    /** Builds the model. */
    public HeadroomEmbeddingModel build() {
      return new HeadroomEmbeddingModel(this);
    }
  }
}
