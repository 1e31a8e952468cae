package dev.headroom.npu;

import java.util.List;

/**
 * The one check every backend's reply goes through before a vector reaches a caller (local devices, remote workers
 * and the cloud alike): one vector per text, each of the pool's dimension, every component finite, and not all
 * zeros. A model that overflowed, a worker that serialised {@code NaN}, or a stub that answers zeros produce
 * replies with the right shape and useless content; they are errors, never answers.
 */
final class EmbeddingCheck {
  private EmbeddingCheck() {}

  /**
   * @throws BadEmbeddingException naming the backend and the first problem found
   */
  static void check(String backend, int dimensions, int texts, List<float[]> vectors) {
    if (vectors == null) {
      throw new BadEmbeddingException(backend, "no vectors for " + texts + " texts");
    }
    if (vectors.size() != texts) {
      throw new BadEmbeddingException(backend, vectors.size() + " vectors for " + texts + " texts");
    }
    for (int i = 0; i < texts; i++) {
      float[] vector = vectors.get(i);
      String which = "vector " + i + " of " + texts;
      if (vector == null) {
        throw new BadEmbeddingException(backend, which + " is missing");
      }
      if (vector.length != dimensions) {
        throw new BadEmbeddingException(backend, which + " has " + vector.length + " dimensions, expected "
            + dimensions);
      }
      boolean zero = true;
      for (int d = 0; d < vector.length; d++) {
        float x = vector[d];
        if (Float.isNaN(x)) {
          throw new BadEmbeddingException(backend, which + " has NaN at dimension " + d);
        }
        if (Float.isInfinite(x)) {
          throw new BadEmbeddingException(backend, which + " has " + x + " at dimension " + d);
        }
        zero &= x == 0f;
      }
      if (zero) {
        throw new BadEmbeddingException(backend, which + " is all zeros");
      }
    }
  }
}
