package dev.headroom.llm;

import dev.headroom.core.Checks;

/**
 * How much cloud overflow is allowed over any sliding minute. Past it, overflow is refused with a
 * {@link SpendLimitExceededException} instead of spending silently. The cost of a request is estimated from the
 * model's {@link ModelPrice} before sending (prompt length, and the request's max tokens or an assumed answer
 * length) and corrected with the reply's usage afterwards.
 *
 * @param maxRequestsPerMinute the most cloud requests per minute; {@code Integer.MAX_VALUE} for no limit
 * @param maxCostPerMinute the most estimated dollars per minute; {@code Double.POSITIVE_INFINITY} for no limit
 */
public record SpendLimit(int maxRequestsPerMinute, double maxCostPerMinute) {
  private static final SpendLimit UNLIMITED = new SpendLimit(Integer.MAX_VALUE, Double.POSITIVE_INFINITY);

  /** Validates. */
  public SpendLimit {
    Checks checks = Checks.plain(); // a value with no owner: the path names the setting
    checks.atLeast("maxRequestsPerMinute", maxRequestsPerMinute, 0);
    if (!(maxCostPerMinute >= 0)) { // infinity is "no limit"
      throw checks.invalid("maxCostPerMinute", maxCostPerMinute, "must be >= 0");
    }
  }

  /** No limit. */
  public static SpendLimit unlimited() {
    return UNLIMITED;
  }

  /** At most {@code count} cloud requests per minute. */
  public static SpendLimit requestsPerMinute(int count) {
    return new SpendLimit(count, Double.POSITIVE_INFINITY);
  }

  /** At most {@code dollars} of estimated cloud cost per minute. */
  public static SpendLimit costPerMinute(double dollars) {
    return new SpendLimit(Integer.MAX_VALUE, dollars);
  }

  /** Whether a cost limit is set (then every cloud model needs a price). */
  public boolean limitsCost() {
    return maxCostPerMinute != Double.POSITIVE_INFINITY;
  }
}
