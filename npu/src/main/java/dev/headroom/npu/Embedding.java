package dev.headroom.npu;

import java.util.Arrays;
import java.util.Objects;

/**
 * One text's embedding.
 *
 * @param vector the unit-length vector (owned by the caller from now on)
 * @param tokens how many tokens the model saw, special tokens included (0 when the backend tokenized remotely)
 * @param truncated whether the text was longer than the model takes and was cut to fit
 * @param backend the id of the backend that computed it
 */
public record Embedding(float[] vector, int tokens, boolean truncated, String backend) {

  /** Validates. */
  public Embedding {
    Objects.requireNonNull(vector, "vector");
    Objects.requireNonNull(backend, "backend");
  }

  /** The number of dimensions. */
  public int dimensions() {
    return vector.length;
  }

  /** Cosine similarity with another embedding of the same model. */
  public double cosine(Embedding other) {
    return Vectors.cosine(vector, other.vector);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Embedding e && tokens == e.tokens && truncated == e.truncated && backend.equals(e.backend)
        && Arrays.equals(vector, e.vector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(vector), tokens, truncated, backend);
  }

  @Override
  public String toString() {
    return "Embedding{" + vector.length + " dims, " + tokens + " tokens" + (truncated ? ", truncated" : "")
        + ", by " + backend + '}';
  }
}
