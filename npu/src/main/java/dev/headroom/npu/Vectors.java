package dev.headroom.npu;

/** Vector arithmetic shared by the local backends: masked mean pooling, L2 normalisation, cosine similarity. */
final class Vectors {
  private Vectors() {}

  /**
   * Sentence-transformers pooling: the mean of the token vectors where the attention mask is 1, then scaled to
   * unit length.
   *
   * @param hidden the model output {@code [rows, length, dims]}, row-major
   * @param row which row to pool
   * @param length the sequence length of {@code hidden}
   * @param dims the hidden size
   * @param mask the attention mask, row-major {@code [rows, maskLength]}
   * @param maskLength the row length of {@code mask} (at most {@code length})
   */
  static float[] meanPoolNormalized(float[] hidden, int row, int length, int dims, long[] mask,
      int maskLength) {
    double[] sum = new double[dims];
    int counted = 0;
    int base = row * length * dims;
    for (int t = 0; t < maskLength; t++) {
      if (mask[row * maskLength + t] == 0) {
        continue;
      }
      counted++;
      int offset = base + t * dims;
      for (int d = 0; d < dims; d++) {
        sum[d] += hidden[offset + d];
      }
    }
    float[] out = new float[dims];
    double norm = 0;
    for (int d = 0; d < dims; d++) {
      double mean = sum[d] / Math.max(1, counted);
      sum[d] = mean;
      norm += mean * mean;
    }
    norm = Math.max(Math.sqrt(norm), 1e-12);
    for (int d = 0; d < dims; d++) {
      out[d] = (float) (sum[d] / norm);
    }
    return out;
  }

  /** Scales a vector to unit length (in place) and returns it. */
  static float[] normalize(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    norm = Math.max(Math.sqrt(norm), 1e-12);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] / norm);
    }
    return v;
  }

  /** The cosine of the angle between two vectors of equal length. */
  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimensions differ: " + a.length + " vs " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-24);
  }

  /** The Euclidean length of a vector. */
  static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }
}
