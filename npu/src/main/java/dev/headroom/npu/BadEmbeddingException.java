package dev.headroom.npu;

import dev.headroom.core.BackendException;

/**
 * A backend answered, but with vectors that are not embeddings: the wrong number of them, the wrong or inconsistent
 * dimension, a NaN or infinite component, or a vector of zeros. The pool treats it as that backend's failure (the
 * batch is retried elsewhere and the backend may be ejected) and never returns such a vector.
 */
public final class BadEmbeddingException extends BackendException {
  private static final long serialVersionUID = 1L;

  private final String problem;

  /**
   * @param backend the id of the backend that answered
   * @param problem what was wrong, e.g. {@code "vector 3 of 8 has NaN at dimension 17"}
   */
  public BadEmbeddingException(String backend, String problem) {
    super(backend, -1, "returned an unusable embedding: " + problem);
    this.problem = problem;
  }

  /** The id of the backend that answered. */
  public String backend() {
    return endpoint();
  }

  /** What was wrong with the reply. */
  public String problem() {
    return problem;
  }
}
