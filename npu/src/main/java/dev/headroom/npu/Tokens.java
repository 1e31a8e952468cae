package dev.headroom.npu;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tokenized text.
 *
 * @param ids the token ids, special tokens included; at most the tokenizer's maximum
 * @param truncated whether the text had more tokens than the model takes and was cut to fit
 */
public record Tokens(int[] ids, boolean truncated) {

  /** Validates. */
  public Tokens {
    Objects.requireNonNull(ids, "ids");
  }

  /** The number of tokens kept. */
  public int length() {
    return ids.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tokens t && truncated == t.truncated && Arrays.equals(ids, t.ids);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(ids) + (truncated ? 1 : 0);
  }

  @Override
  public String toString() {
    return "Tokens" + Arrays.toString(ids) + (truncated ? " (truncated)" : "");
  }
}
