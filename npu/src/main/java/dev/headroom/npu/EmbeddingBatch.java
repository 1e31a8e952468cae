package dev.headroom.npu;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The texts an {@link EmbeddingBackend} embeds in one call, in order. When the pool has a tokenizer the batch also
 * holds the model inputs, padded to one length (the batch's length bucket): {@code input_ids},
 * {@code attention_mask} and {@code token_type_ids} as row-major {@code [size, paddedLength]} int64 arrays.
 * Remote and cloud backends read {@link #texts()}; local ones read the token arrays. Immutable.
 */
public final class EmbeddingBatch {
  private final List<String> texts;
  private final List<Tokens> tokens;
  private final int paddedLength;
  private final long[] inputIds;
  private final long[] attentionMask;
  private final long[] tokenTypeIds;

  private EmbeddingBatch(List<String> texts, List<Tokens> tokens, int paddedLength) {
    this.texts = List.copyOf(texts);
    this.tokens = List.copyOf(tokens);
    this.paddedLength = paddedLength;
    int rows = texts.size();
    this.inputIds = new long[rows * paddedLength];
    this.attentionMask = new long[rows * paddedLength];
    this.tokenTypeIds = new long[rows * paddedLength];
    for (int r = 0; r < this.tokens.size(); r++) {
      int[] ids = this.tokens.get(r).ids();
      for (int t = 0; t < ids.length; t++) {
        inputIds[r * paddedLength + t] = ids[t];
        attentionMask[r * paddedLength + t] = 1;
      }
    }
  }

  /** A batch of texts without model inputs, for backends that tokenize themselves (remote workers, cloud). */
  public static EmbeddingBatch ofTexts(List<String> texts) {
    requireTexts(texts);
    return new EmbeddingBatch(texts, List.of(), 0);
  }

  /**
   * A batch with model inputs.
   *
   * @param texts the texts
   * @param tokens each text's tokens, in the same order
   * @param paddedLength the length every row is padded to; at least the longest row
   */
  public static EmbeddingBatch tokenized(List<String> texts, List<Tokens> tokens, int paddedLength) {
    requireTexts(texts);
    Objects.requireNonNull(tokens, "tokens");
    if (tokens.size() != texts.size()) {
      throw new IllegalArgumentException(tokens.size() + " token rows for " + texts.size() + " texts");
    }
    int longest = tokens.stream().mapToInt(Tokens::length).max().orElse(0);
    if (paddedLength < longest || longest == 0) {
      throw Checks.plain().invalid("paddedLength", paddedLength, "must be >= the longest row (" + longest + ")");
    }
    return new EmbeddingBatch(texts, tokens, paddedLength);
  }

  /** A tokenized batch padded to its longest row. */
  public static EmbeddingBatch tokenized(Tokenizer tokenizer, List<String> texts) {
    List<Tokens> rows = new ArrayList<>();
    texts.forEach(text -> rows.add(tokenizer.encode(text)));
    return tokenized(texts, rows, rows.stream().mapToInt(Tokens::length).max().orElse(1));
  }

  private static void requireTexts(List<String> texts) {
    Objects.requireNonNull(texts, "texts");
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one text");
    }
  }

  /** The number of texts. */
  public int size() {
    return texts.size();
  }

  /** The texts, in order. */
  public List<String> texts() {
    return texts;
  }

  /** Whether the model inputs are present. */
  public boolean hasTokens() {
    return !tokens.isEmpty();
  }

  /** Each text's tokens, in order; empty when not tokenized. */
  public List<Tokens> tokens() {
    return tokens;
  }

  /** The padded row length of the model inputs; 0 when not tokenized. */
  public int paddedLength() {
    return paddedLength;
  }

  /** {@code input_ids}, {@code [size, paddedLength]}, read-only. */
  public LongBuffer inputIds() {
    return LongBuffer.wrap(inputIds).asReadOnlyBuffer();
  }

  /** {@code attention_mask}: 1 for real tokens, 0 for padding; read-only. */
  public LongBuffer attentionMask() {
    return LongBuffer.wrap(attentionMask).asReadOnlyBuffer();
  }

  /** {@code token_type_ids}: all 0 for single sentences; read-only. */
  public LongBuffer tokenTypeIds() {
    return LongBuffer.wrap(tokenTypeIds).asReadOnlyBuffer();
  }

  /**
   * Masked mean pooling and L2 normalisation of a model's token outputs for the first {@link #size()} rows.
   *
   * @param hidden the output {@code [rows >= size, length, dims]}, row-major
   * @param length the output's sequence length (at least {@link #paddedLength()})
   * @param dims the hidden size
   */
  public List<float[]> meanPool(float[] hidden, int length, int dims) {
    if (!hasTokens()) {
      throw new IllegalStateException("the batch has no model inputs");
    }
    if (length < paddedLength || hidden.length < size() * length * dims) {
      throw new IllegalArgumentException("output [" + hidden.length + " floats, length " + length + ", dims "
          + dims + "] is too small for " + size() + " rows of " + paddedLength);
    }
    List<float[]> out = new ArrayList<>(size());
    for (int row = 0; row < size(); row++) {
      out.add(Vectors.meanPoolNormalized(hidden, row, length, dims, attentionMask, paddedLength));
    }
    return out;
  }

  @Override
  public String toString() {
    return "EmbeddingBatch{" + size() + " texts" + (hasTokens() ? ", padded to " + paddedLength : "") + '}';
  }
}
