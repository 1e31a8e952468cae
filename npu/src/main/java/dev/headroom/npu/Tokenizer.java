package dev.headroom.npu;

/**
 * Turns text into the token ids a local model takes. {@link EmbeddingPool} tokenizes once, on the caller's thread,
 * and uses the lengths to batch similar texts together.
 */
public interface Tokenizer {

  /**
   * Tokenizes {@code text}, truncating to {@link #maxTokens()} (special tokens included) and saying so.
   *
   * @param text non-null text
   */
  Tokens encode(String text);

  /** The most tokens a sequence may have, special tokens included. */
  int maxTokens();
}
