package dev.headroom.llm;

import dev.headroom.core.fleet.LocalWindow;
import dev.headroom.core.fleet.SharedWindow;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Enforces a {@link SpendLimit} over a sliding minute (twelve five-second slices). A cloud request first
 * {@link #reserve reserves} its estimated cost (prompt length / 4 tokens in, max tokens or an assumed answer length
 * out, at the model's price); the reply's usage then {@link Reservation#settle settles} it, and a request that was
 * not served is {@link Reservation#refund refunded}. The counts live in a {@link SharedWindow}: this process's own
 * ({@link LocalWindow}), or, with a fleet coordinator, one shared by every replica of the service, so that N
 * replicas together stay within the limit. Dollars are counted in micro-dollars. Thread-safe.
 */
final class SpendGuard {
  static final Duration WINDOW = Duration.ofMinutes(1);
  static final int SLICES = 12;
  private static final double MICROS = 1_000_000.0;
  /** "No limit" in the window's units: far from overflowing when amounts are added to it. */
  private static final long UNLIMITED = Long.MAX_VALUE / 4;

  private final SpendLimit limit;
  private final Map<String, ModelPrice> prices;
  private final int assumedAnswerTokens;
  private final SharedWindow window;
  private final long[] maxima;

  SpendGuard(SpendLimit limit, Map<String, ModelPrice> prices, int assumedAnswerTokens, Ticker ticker) {
    this(limit, prices, assumedAnswerTokens, new LocalWindow(WINDOW, SLICES, ticker));
  }

  SpendGuard(SpendLimit limit, Map<String, ModelPrice> prices, int assumedAnswerTokens, SharedWindow window) {
    this.limit = limit;
    this.prices = Map.copyOf(prices);
    this.assumedAnswerTokens = assumedAnswerTokens;
    this.window = window;
    this.maxima = new long[] {
        limit.maxRequestsPerMinute() == Integer.MAX_VALUE ? UNLIMITED : limit.maxRequestsPerMinute(),
        limit.limitsCost() ? micros(limit.maxCostPerMinute()) : UNLIMITED};
  }

  /** Estimated tokens of a text: one per four characters, at least one. */
  static int estimateTokens(String text) {
    return Math.max(1, text.length() / 4);
  }

  /** Estimated tokens of a chat request: its prompt's, plus its max tokens or else {@code assumedAnswerTokens}. */
  static int estimateTokens(ChatRequest request, int assumedAnswerTokens) {
    long total = (long) estimateTokens(request.promptText()) + request.maxTokens().orElse(assumedAnswerTokens);
    return (int) Math.min(Integer.MAX_VALUE, total);
  }

  /**
   * Reserves one request of {@code model} with the given estimated token counts.
   *
   * @throws SpendLimitExceededException when it would pass the limit (nothing is reserved then)
   */
  Reservation reserve(String model, int promptTokens, int answerTokens) {
    ModelPrice price = prices.get(model);
    double estimate = price == null ? 0 : price.cost(promptTokens, answerTokens);
    long estimateMicros = micros(estimate);
    SharedWindow.Ticket ticket = window.tryAdd(new long[] {1, estimateMicros}, maxima);
    if (!ticket.added()) {
      long[] totals = ticket.totals();
      if (totals[0] + 1 > maxima[0]) {
        throw new SpendLimitExceededException(SpendLimitExceededException.Kind.REQUESTS,
            limit.maxRequestsPerMinute(), totals[0] + 1.0, model);
      }
      throw new SpendLimitExceededException(SpendLimitExceededException.Kind.COST, limit.maxCostPerMinute(),
          (totals[1] + estimateMicros) / MICROS, model);
    }
    return new Reservation(ticket, price, estimateMicros);
  }

  /** Reserves a chat request, estimating its tokens. */
  Reservation reserve(String model, ChatRequest request) {
    return reserve(model, estimateTokens(request.promptText()),
        request.maxTokens().orElse(assumedAnswerTokens));
  }

  /** The answer length assumed for a request that sets no max tokens. */
  int assumedAnswerTokens() {
    return assumedAnswerTokens;
  }

  /** Requests counted in the last minute. */
  int requestsLastMinute() {
    long[] totals = window.totals();
    return totals.length == 0 ? 0 : (int) totals[0];
  }

  /** Estimated (and settled) dollars counted in the last minute. */
  double costLastMinute() {
    long[] totals = window.totals();
    return totals.length < 2 ? 0 : totals[1] / MICROS;
  }

  private static long micros(double dollars) {
    return Math.round(dollars * MICROS);
  }

  @Override
  public String toString() {
    return "SpendGuard{" + limit + '}';
  }

  /** One reserved request. Settle or refund it once. */
  final class Reservation {
    private final SharedWindow.Ticket ticket;
    private final ModelPrice price;
    private final long estimateMicros;
    private final AtomicBoolean done = new AtomicBoolean();

    Reservation(SharedWindow.Ticket ticket, ModelPrice price, long estimateMicros) {
      this.ticket = ticket;
      this.price = price;
      this.estimateMicros = estimateMicros;
    }

    /** Replaces the estimate with the cost of the tokens the reply reported (when it reported any). */
    void settle(int promptTokens, int completionTokens) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      if (price != null && (promptTokens > 0 || completionTokens > 0)) {
        long actual = micros(price.cost(promptTokens, completionTokens));
        if (actual != estimateMicros) {
          window.adjust(ticket, new long[] {0, actual - estimateMicros});
        }
      }
    }

    /** Gives the reservation back: the request was not served. */
    void refund() {
      if (done.compareAndSet(false, true)) {
        window.adjust(ticket, new long[] {-1, -estimateMicros});
      }
    }

    /** The estimated cost in dollars. */
    double estimate() {
      return estimateMicros / MICROS;
    }
  }
}
