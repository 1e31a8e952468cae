package dev.headroom.llm;

import java.util.Objects;

/**
 * A piece of a streamed answer, as it arrived from the model.
 *
 * @param text the new text (never repeated: chunks concatenated in order are the answer)
 * @param index 0 for the first chunk of the stream, then 1, 2, ...
 */
public record Chunk(String text, int index) {
  /** Validates. */
  public Chunk {
    Objects.requireNonNull(text, "text");
  }
}
