package dev.headroom.llm;

import dev.headroom.core.Checks;

/**
 * What a cloud model costs, in US dollars per million tokens (the unit providers publish).
 *
 * @param inputPerMillion dollars per million prompt tokens, >= 0
 * @param outputPerMillion dollars per million completion tokens, >= 0
 */
public record ModelPrice(double inputPerMillion, double outputPerMillion) {
  /** Validates. */
  public ModelPrice {
    Checks checks = Checks.plain(); // a value with no owner (the model is the key it is put under)
    checks.nonNegative("inputPerMillion", inputPerMillion);
    checks.nonNegative("outputPerMillion", outputPerMillion);
  }

  /** The cost of a request with these token counts, in dollars. */
  public double cost(long promptTokens, long completionTokens) {
    return (promptTokens * inputPerMillion + completionTokens * outputPerMillion) / 1_000_000.0;
  }
}
