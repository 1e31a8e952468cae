package dev.headroom.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.core.BackendException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one check every embedding reply goes through before a vector reaches a caller, from an Ollama node
 * ({@code /api/embed}) and from the cloud ({@code /v1/embeddings}) alike: one vector per input, every component a
 * number, one dimension across the reply, every component finite, and no vector of zeros. A model that overflowed,
 * a server that serialised {@code NaN} (read, not refused, by {@link WireExchange#JSON}, so it can be named here) or
 * a stub that answers zeros give replies of the right shape and useless content: they are a bad reply from that
 * node - a {@link BackendException} with status 200 like every other bad reply, so a failure of the node that the
 * router retries elsewhere - never an answer.
 */
final class EmbedCheck {
  private EmbedCheck() {}

  /**
   * The vectors of {@code arrays}, one per input in order.
   *
   * @param arrays the reply's array of vectors (in input order)
   * @param body the reply as text for the exception's excerpt (redacted where secrets may be echoed); asked only on
   *     a bad reply
   * @throws BackendException naming {@code endpoint} and the first problem found
   */
  static List<float[]> vectors(String endpoint, int inputs, JsonNode arrays, Supplier<String> body) {
    if (!arrays.isArray()) {
      throw bad(endpoint, "no array of embeddings for " + inputs + " inputs", body);
    }
    if (arrays.size() != inputs) {
      throw bad(endpoint, arrays.size() + " embeddings for " + inputs + " inputs", body);
    }
    List<float[]> vectors = new ArrayList<>(inputs);
    int dimensions = -1;
    for (int i = 0; i < inputs; i++) {
      JsonNode array = arrays.get(i);
      String which = "embedding " + i + " of " + inputs;
      if (array == null || !array.isArray()) {
        throw bad(endpoint, which + " is not an array", body);
      }
      if (array.isEmpty()) {
        throw bad(endpoint, which + " is empty", body);
      }
      if (dimensions < 0) {
        dimensions = array.size();
      } else if (array.size() != dimensions) {
        throw bad(endpoint, which + " has " + array.size() + " dimensions, embedding 0 has " + dimensions, body);
      }
      float[] vector = new float[array.size()];
      boolean zero = true;
      for (int d = 0; d < vector.length; d++) {
        JsonNode x = array.get(d);
        if (!x.isNumber()) {
          throw bad(endpoint, which + " has a " + x.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
              + " at dimension " + d + ", not a number", body);
        }
        float f = (float) x.asDouble();
        if (Float.isNaN(f)) {
          throw bad(endpoint, which + " has NaN at dimension " + d, body);
        }
        if (Float.isInfinite(f)) {
          throw bad(endpoint, which + " has " + f + " at dimension " + d, body);
        }
        zero &= f == 0f;
        vector[d] = f;
      }
      if (zero) {
        throw bad(endpoint, which + " is all zeros", body);
      }
      vectors.add(vector);
    }
    return vectors;
  }

  private static BackendException bad(String endpoint, String problem, Supplier<String> body) {
    return new BackendException(endpoint, 200, "unusable embedding in reply: " + problem, body.get(), null);
  }
}
