package dev.headroom.llm;

import dev.headroom.core.HeadroomException;

/**
 * A request needed the cloud, and sending it would pass the cloud spend limit. The request was not sent: overflow is
 * refused instead of spending silently. Retry later, or raise {@link SpendLimit}.
 */
public final class SpendLimitExceededException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  /** Which limit was hit. */
  public enum Kind {
    /** {@link SpendLimit#maxRequestsPerMinute()}. */
    REQUESTS,
    /** {@link SpendLimit#maxCostPerMinute()}. */
    COST
  }

  private final Kind kind;
  private final double limit;
  private final double wouldBe;

  /**
   * @param kind the limit hit
   * @param limit its value per minute
   * @param wouldBe what the last minute would total with this request
   * @param model the cloud model the request needed
   */
  public SpendLimitExceededException(Kind kind, double limit, double wouldBe, String model) {
    super("cloud spend limit: sending this request to '" + model + "' would make "
        + (kind == Kind.REQUESTS ? String.format(java.util.Locale.ROOT, "%.0f requests", wouldBe)
            : String.format(java.util.Locale.ROOT, "$%.6f", wouldBe))
        + " in the last minute, over the limit of "
        + (kind == Kind.REQUESTS ? String.format(java.util.Locale.ROOT, "%.0f requests", limit)
            : String.format(java.util.Locale.ROOT, "$%.6f", limit)) + " per minute");
    this.kind = kind;
    this.limit = limit;
    this.wouldBe = wouldBe;
  }

  /** Which limit was hit. */
  public Kind kind() {
    return kind;
  }

  /** The limit per minute. */
  public double limit() {
    return limit;
  }

  /** What the last minute would have totalled with this request. */
  public double wouldBe() {
    return wouldBe;
  }
}
