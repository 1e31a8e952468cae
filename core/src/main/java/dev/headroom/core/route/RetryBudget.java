package dev.headroom.core.route;

import dev.headroom.core.Checks;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.Objects;

/**
 * Finagle's retry budget: over a sliding window of {@code ttl}, retries may be at most {@code percentCanRetry} of
 * the requests plus a reserve of {@code minRetriesPerSecond × ttl}. So a healthy client can always retry a little,
 * and a failing backend sees at most {@code 1 + percentCanRetry} times the offered load, never "every request
 * times maxAttempts". Thread-safe; counts live in ten slices of the window.
 */
public final class RetryBudget {
  private static final int SLICES = 10;

  private final Duration ttl;
  private final int minRetriesPerSecond;
  private final double percentCanRetry;
  private final Ticker ticker;
  private final long sliceNanos;
  private final long[] sliceIds = new long[SLICES];
  private final long[] deposits = new long[SLICES];
  private final long[] withdrawals = new long[SLICES];

  private RetryBudget(Duration ttl, int minRetriesPerSecond, double percentCanRetry, Ticker ticker) {
    this.ttl = ttl;
    this.minRetriesPerSecond = minRetriesPerSecond;
    this.percentCanRetry = percentCanRetry;
    this.ticker = ticker;
    this.sliceNanos = Math.max(1, ttl.toNanos() / SLICES);
    java.util.Arrays.fill(sliceIds, Long.MIN_VALUE);
  }

  /**
   * @param ttl the window, > 0 (Finagle's default 10 s)
   * @param minRetriesPerSecond the reserve rate, >= 0 (default 10)
   * @param percentCanRetry retries as a share of requests, in [0, 1] (default 0.2)
   */
  public static RetryBudget create(Duration ttl, int minRetriesPerSecond, double percentCanRetry, Ticker ticker) {
    Objects.requireNonNull(ticker, "ticker");
    Checks checks = Checks.plain();
    checks.positive("retryBudget.ttl", ttl);
    checks.atLeast("retryBudget.minRetriesPerSecond", minRetriesPerSecond, 0);
    checks.share("retryBudget.percentCanRetry", percentCanRetry);
    return new RetryBudget(ttl, minRetriesPerSecond, percentCanRetry, ticker);
  }

  /** 20% of requests plus 10 retries per second, over 10 s. */
  public static RetryBudget defaults(Ticker ticker) {
    return create(Duration.ofSeconds(10), 10, 0.2, ticker);
  }

  /** Records a request (which earns {@code percentCanRetry} of a retry). */
  public synchronized void deposit() {
    deposits[slice(ticker.read())]++;
  }

  /** Takes one retry from the budget; false when it is spent. */
  public synchronized boolean tryWithdraw() {
    int slice = slice(ticker.read());
    if (balanceLocked() < 1) {
      return false;
    }
    withdrawals[slice]++;
    return true;
  }

  /** Retries available now. */
  public synchronized long balance() {
    slice(ticker.read());
    return balanceLocked();
  }

  @Override
  public String toString() {
    return "RetryBudget{ttl=" + ttl + ", minRetriesPerSecond=" + minRetriesPerSecond
        + ", percentCanRetry=" + percentCanRetry + ", balance=" + balance() + '}';
  }

  private long balanceLocked() {
    long requests = 0;
    long retries = 0;
    for (int i = 0; i < SLICES; i++) {
      requests += deposits[i];
      retries += withdrawals[i];
    }
    double reserve = minRetriesPerSecond * (ttl.toNanos() / 1e9);
    return (long) Math.floor(reserve + percentCanRetry * requests) - retries;
  }

  /** The slice for {@code now}, clearing slices that have left the window. */
  private int slice(long now) {
    long id = Math.floorDiv(now, sliceNanos);
    int index = (int) Math.floorMod(id, (long) SLICES);
    if (sliceIds[index] != id) {
      for (int i = 0; i < SLICES; i++) {
        if (sliceIds[i] != Long.MIN_VALUE && id - sliceIds[i] >= SLICES) {
          sliceIds[i] = Long.MIN_VALUE;
          deposits[i] = 0;
          withdrawals[i] = 0;
        }
      }
      sliceIds[index] = id;
      deposits[index] = 0;
      withdrawals[index] = 0;
    }
    return index;
  }
}
