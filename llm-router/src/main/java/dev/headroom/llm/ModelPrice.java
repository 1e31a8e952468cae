package dev.headroom.llm;

import dev.headroom.core.ConfigException;

/**
 * What a cloud model costs, in US dollars per million tokens (the unit providers publish).
 *
 * @param inputPerMillion dollars per million prompt tokens, >= 0
 * @param outputPerMillion dollars per million completion tokens, >= 0
 */
public record ModelPrice(double inputPerMillion, double outputPerMillion) {
  /** Validates. */
  public ModelPrice {
    if (!(inputPerMillion >= 0) || Double.isInfinite(inputPerMillion)) {
      throw new ConfigException("price.inputPerMillion", inputPerMillion, "must be a finite number >= 0");
    }
    if (!(outputPerMillion >= 0) || Double.isInfinite(outputPerMillion)) {
      throw new ConfigException("price.outputPerMillion", outputPerMillion, "must be a finite number >= 0");
    }
  }

  /** The cost of a request with these token counts, in dollars. */
  public double cost(long promptTokens, long completionTokens) {
    return (promptTokens * inputPerMillion + completionTokens * outputPerMillion) / 1_000_000.0;
  }
}
