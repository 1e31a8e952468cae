package dev.headroom.npu;

import dev.headroom.core.HeadroomException;

/** A text cannot be embedded: it is null, empty or blank, or a backend refused it. Names which input. */
public final class EmbeddingInputException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final int index;

  /**
   * @param index the input's position in the caller's list, or -1 for a single text
   * @param problem what is wrong with it
   */
  public EmbeddingInputException(int index, String problem) {
    super((index < 0 ? "input" : "input " + index) + ": " + problem);
    this.index = index;
  }

  /** The input's position in the caller's list, or -1 for a single text. */
  public int index() {
    return index;
  }
}
