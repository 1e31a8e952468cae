package dev.headroom.llm;

import java.util.List;

/**
 * Embedding vectors, one per input text, in input order.
 *
 * @param model the model name the server reported in its reply (the name the request was sent with when it reported
 *     none)
 * @param endpoint the id of the endpoint that served the request
 * @param tier the tier that served it ({@code local}, {@code remote} or {@code cloud})
 * @param vectors the vectors; treat the arrays as read-only
 */
public record EmbedResponse(String model, String endpoint, String tier, List<float[]> vectors) {
  /** Copies the list. */
  public EmbedResponse {
    vectors = List.copyOf(vectors);
  }

  @Override
  public String toString() {
    return "EmbedResponse{" + model + " via " + tier + "/" + endpoint + ", " + vectors.size() + " vectors of "
        + (vectors.isEmpty() ? 0 : vectors.get(0).length) + '}';
  }
}
