package dev.headroom.llm;

import dev.headroom.core.time.Ticker;
import java.util.Arrays;
import java.util.Map;

/**
 * Enforces a {@link SpendLimit} over a sliding minute (twelve five-second slices). A cloud request first
 * {@link #reserve reserves} its estimated cost (prompt length / 4 tokens in, max tokens or an assumed answer length
 * out, at the model's price); the reply's usage then {@link Reservation#settle settles} it, and a request that was
 * not served is {@link Reservation#refund refunded}. Thread-safe.
 */
final class SpendGuard {
  private static final int SLICES = 12;
  private static final long SLICE_NANOS = 5_000_000_000L;

  private final SpendLimit limit;
  private final Map<String, ModelPrice> prices;
  private final int assumedAnswerTokens;
  private final Ticker ticker;
  private final long[] sliceIds = new long[SLICES];
  private final int[] requests = new int[SLICES];
  private final double[] cost = new double[SLICES];

  SpendGuard(SpendLimit limit, Map<String, ModelPrice> prices, int assumedAnswerTokens, Ticker ticker) {
    this.limit = limit;
    this.prices = Map.copyOf(prices);
    this.assumedAnswerTokens = assumedAnswerTokens;
    this.ticker = ticker;
    Arrays.fill(sliceIds, Long.MIN_VALUE);
  }

  /** Estimated tokens of a text: one per four characters, at least one. */
  static int estimateTokens(String text) {
    return Math.max(1, text.length() / 4);
  }

  /**
   * Reserves one request of {@code model} with the given estimated token counts.
   *
   * @throws SpendLimitExceededException when it would pass the limit (nothing is reserved then)
   */
  synchronized Reservation reserve(String model, int promptTokens, int answerTokens) {
    int slice = slice(ticker.read());
    ModelPrice price = prices.get(model);
    double estimate = price == null ? 0 : price.cost(promptTokens, answerTokens);
    int totalRequests = 0;
    double totalCost = 0;
    for (int i = 0; i < SLICES; i++) {
      totalRequests += requests[i];
      totalCost += cost[i];
    }
    if (totalRequests + 1L > limit.maxRequestsPerMinute()) {
      throw new SpendLimitExceededException(SpendLimitExceededException.Kind.REQUESTS,
          limit.maxRequestsPerMinute(), totalRequests + 1.0, model);
    }
    if (totalCost + estimate > limit.maxCostPerMinute()) {
      throw new SpendLimitExceededException(SpendLimitExceededException.Kind.COST, limit.maxCostPerMinute(),
          totalCost + estimate, model);
    }
    requests[slice]++;
    cost[slice] += estimate;
    return new Reservation(sliceIds[slice], slice, price, estimate);
  }

  /** Reserves a chat request, estimating its tokens. */
  Reservation reserve(String model, ChatRequest request) {
    return reserve(model, estimateTokens(request.promptText()),
        request.maxTokens().orElse(assumedAnswerTokens));
  }

  /** Requests counted in the last minute. */
  synchronized int requestsLastMinute() {
    slice(ticker.read());
    return Arrays.stream(requests).sum();
  }

  /** Estimated (and settled) dollars counted in the last minute. */
  synchronized double costLastMinute() {
    slice(ticker.read());
    return Arrays.stream(cost).sum();
  }

  private synchronized void adjust(Reservation r, int requestDelta, double costDelta) {
    slice(ticker.read());
    if (sliceIds[r.index] == r.sliceId) { // still inside the window: correct the slice it was counted in
      requests[r.index] += requestDelta;
      cost[r.index] += costDelta;
    }
  }

  private int slice(long now) {
    long id = Math.floorDiv(now, SLICE_NANOS);
    int index = (int) Math.floorMod(id, (long) SLICES);
    if (sliceIds[index] != id) {
      for (int i = 0; i < SLICES; i++) {
        if (sliceIds[i] != Long.MIN_VALUE && id - sliceIds[i] >= SLICES) {
          sliceIds[i] = Long.MIN_VALUE;
          requests[i] = 0;
          cost[i] = 0;
        }
      }
      sliceIds[index] = id;
      requests[index] = 0;
      cost[index] = 0;
    }
    return index;
  }

  @Override
  public String toString() {
    return "SpendGuard{" + limit + '}';
  }

  /** One reserved request. Settle or refund it once. */
  final class Reservation {
    private final long sliceId;
    private final int index;
    private final ModelPrice price;
    private final double estimate;
    private boolean done;

    Reservation(long sliceId, int index, ModelPrice price, double estimate) {
      this.sliceId = sliceId;
      this.index = index;
      this.price = price;
      this.estimate = estimate;
    }

    /** Replaces the estimate with the cost of the tokens the reply reported (when it reported any). */
    void settle(int promptTokens, int completionTokens) {
      if (done) {
        return;
      }
      done = true;
      if (price != null && (promptTokens > 0 || completionTokens > 0)) {
        adjust(this, 0, price.cost(promptTokens, completionTokens) - estimate);
      }
    }

    /** Gives the reservation back: the request was not served. */
    void refund() {
      if (done) {
        return;
      }
      done = true;
      adjust(this, -1, -estimate);
    }

    /** The estimated cost in dollars. */
    double estimate() {
      return estimate;
    }
  }
}
