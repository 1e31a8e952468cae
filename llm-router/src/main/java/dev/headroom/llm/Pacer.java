package dev.headroom.llm;

import dev.headroom.core.fleet.RateLimiter;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Paces calls to a provider's {@link Deployment} by its requests and tokens per period: a call takes one request and
 * its estimated tokens from the buckets, and when they are not there yet it waits for them, within the time it may
 * wait (the tier's wait budget, capped by the request's deadline). When the buckets cannot serve it in that time it
 * takes nothing and fails as busy, with the wait as its {@code Retry-After}: the deployment is then passed over by
 * every request until the buckets have refilled, and the request goes on to the next deployment of its group.
 *
 * <p>The buckets are the fleet coordinator's ({@link dev.headroom.core.fleet.FleetCoordinator#rateLimit}), so with a
 * shared coordinator every replica draws from the same ones. Thread-safe.
 */
final class Pacer {
  private final String deployment;
  private final RateLimiter requests; // null: no request limit
  private final RateLimiter tokens; // null: no token limit
  private final Scheduler scheduler;
  private final Ticker ticker;

  Pacer(String deployment, RateLimiter requests, RateLimiter tokens, Scheduler scheduler, Ticker ticker) {
    this.deployment = deployment;
    this.requests = requests;
    this.tokens = tokens;
    this.scheduler = scheduler;
    this.ticker = ticker;
  }

  /**
   * Takes one request and {@code tokenCount} tokens, waiting at most {@code maxWait} for them (the wait is cut when
   * {@code abort} fires).
   *
   * @throws ServerBusyException when they cannot be had within {@code maxWait}; nothing is taken then
   */
  void acquire(int tokenCount, Duration maxWait, Abort abort) throws InterruptedException {
    long until = ticker.read() + maxWait.toNanos();
    while (true) {
      long wait = tryTake(tokenCount);
      if (wait == 0) {
        return;
      }
      long now = ticker.read();
      if (wait == Long.MAX_VALUE || now + wait > until) {
        throw busy(wait, tokenCount);
      }
      sleep(wait, abort);
    }
  }

  /** Gives back tokens taken for an estimate larger than what the call used. */
  void refundTokens(int count) {
    if (tokens != null && count > 0) {
      tokens.refund(count);
    }
  }

  /** Takes a request and the tokens, or neither; 0 when taken, else the wait until both could be. */
  private long tryTake(int tokenCount) {
    long wait = requests == null ? 0 : requests.tryConsumeOrWait(1);
    if (wait != 0) {
      return wait;
    }
    wait = tokens == null ? 0 : tokens.tryConsumeOrWait(tokenCount);
    if (wait != 0 && requests != null) {
      requests.refund(1);
    }
    return wait;
  }

  private void sleep(long nanos, Abort abort) throws InterruptedException {
    CompletableFuture<Void> wake = new CompletableFuture<>();
    Scheduler.Cancellable timer = scheduler.schedule(nanos, () -> wake.complete(null));
    abort.attach(wake); // the request's deadline or the router's close cuts the wait
    try {
      wake.get();
    } catch (CancellationException e) {
      throw WireExchange.aborted(abort, null);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause()); // never: the timer only completes it
    } finally {
      timer.cancel();
    }
  }

  private ServerBusyException busy(long wait, int tokenCount) {
    String what = wait == Long.MAX_VALUE ? "its " + tokenCount + " estimated tokens are more than the token limit"
        : "its limits have room in " + Duration.ofNanos(wait).toMillis() + " ms, past the time it may wait";
    Duration retryAfter = wait == Long.MAX_VALUE ? null : Duration.ofNanos(wait);
    String message = "deployment '" + deployment + "' paced: " + what;
    return retryAfter == null ? new ServerBusyException(deployment, -1, message, "")
        : new ServerBusyException(deployment, -1, message, "", retryAfter);
  }

  @Override
  public String toString() {
    return "Pacer{" + deployment + ", requests=" + requests + ", tokens=" + tokens + '}';
  }
}
