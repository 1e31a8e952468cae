package dev.headroom.testkit.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic "model output": the same prompt, model and seed always give the same tokens. */
final class TextGen {
  private static final String[] WORDS = {
      "Load", "is", "spread", "across", "the", "fleet", "so", "that", "each", "request", "meets", "a", "warm",
      "model", "on", "an", "idle", "node", "and", "the", "queue", "stays", "short", "while", "cloud", "capacity",
      "waits", "for", "real", "overflow"};

  private TextGen() {}

  /** {@code count} tokens (each a word and a trailing space) for this model, prompt and seed. */
  static List<String> tokens(String model, String prompt, long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed * 31 + (model + '\0' + prompt).hashCode());
    List<String> tokens = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tokens.add(WORDS[random.nextInt(WORDS.length)] + ' ');
    }
    return tokens;
  }

  /** The full answer: the tokens joined. */
  static String answer(String model, String prompt, long seed, int count) {
    return String.join("", tokens(model, prompt, seed, count));
  }

  /** A unit-length-ish embedding of {@code dims} numbers derived from the text. */
  static List<Double> embedding(String model, String text, int dims) {
    SplittableRandom random = new SplittableRandom((model + '\0' + text).hashCode());
    List<Double> vector = new ArrayList<>(dims);
    double norm = 0;
    double[] raw = new double[dims];
    for (int i = 0; i < dims; i++) {
      raw[i] = random.nextDouble() * 2 - 1;
      norm += raw[i] * raw[i];
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < dims; i++) {
      vector.add(raw[i] / norm);
    }
    return vector;
  }

  /** A rough token count: one per four characters, at least one. */
  static int approxTokens(String text) {
    return Math.max(1, text.length() / 4);
  }
}
