package dev.headroom.llm;

import dev.headroom.core.BackendException;
import dev.headroom.core.Deadline;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.SpillReason;
import dev.headroom.core.TierAttempt;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The deadline of one request ({@link ChatRequest#timeout()}, else the router's request timeout), carried through
 * every attempt of it: it caps each HTTP call's own timeout, and a timer on the router's scheduler aborts the
 * exchange in progress when it passes - whether the call waits for headers, reads a body a byte a second, or relays
 * a stream that never ends - so no call outlives its request whatever the server does. The timeout the caller sees
 * is a {@link NoCapacityException} whose last attempt is {@link SpillReason#DEADLINE}, the same type core's router
 * throws when the deadline passes between attempts.
 */
final class RequestDeadline {
  private final Deadline deadline;
  private final Duration timeout;
  private final Scheduler scheduler;

  RequestDeadline(Duration timeout, Ticker ticker, Scheduler scheduler) {
    this.deadline = Deadline.after(timeout, ticker);
    this.timeout = timeout;
    this.scheduler = scheduler;
  }

  /** The request's timeout. */
  Duration timeout() {
    return timeout;
  }

  /** Time left, at least 1 ms (an HTTP timeout must be positive; the abort timer ends the call at the deadline). */
  Duration remaining() {
    return Duration.ofNanos(Math.max(1_000_000L, deadline.remainingNanos()));
  }

  /** The smaller of {@code perCall} and the time left: what one HTTP exchange may take. */
  Duration cap(Duration perCall) {
    Duration left = remaining();
    return perCall.compareTo(left) < 0 ? perCall : left;
  }

  /**
   * Aborts {@code abort} with an {@link Exceeded} when the deadline passes (at once if it has); the handle cancels
   * the timer when the call ends first.
   */
  Scheduler.Cancellable arm(Abort abort, String tier, String endpoint) {
    Runnable fire = () -> abort.fire(new Exceeded(tier, endpoint, timeout));
    long left = deadline.remainingNanos();
    if (left <= 0) {
      fire.run();
      return () -> { };
    }
    return scheduler.schedule(left, fire);
  }

  /**
   * What the caller sees for {@code failure}: the typed timeout when the deadline ended the request (a
   * {@link NoCapacityException} with {@link SpillReason#DEADLINE}), else {@code failure} itself.
   */
  Throwable typed(Throwable failure) {
    if (failure instanceof NoCapacityException capacity && capacity.lastReason() == SpillReason.DEADLINE) {
      return capacity;
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Exceeded exceeded) {
        return new NoCapacityException(List.of(new TierAttempt(exceeded.tier, SpillReason.DEADLINE,
            "request timeout of " + timeout.toMillis() + " ms passed on endpoint '" + exceeded.endpoint() + "'")),
            failure);
      }
    }
    return failure;
  }

  /** {@link #typed(Throwable)} for unchecked failures. */
  RuntimeException typed(RuntimeException failure) {
    Throwable t = typed((Throwable) failure);
    return t instanceof RuntimeException runtime ? runtime : failure;
  }

  /**
   * The abort reason of a call cut off by the deadline: a failure of the call (the lease records a failure), turned
   * into the typed timeout by {@link #typed(Throwable)} before the caller sees it.
   */
  static final class Exceeded extends BackendException {
    private static final long serialVersionUID = 1L;

    private final String tier;

    Exceeded(String tier, String endpoint, Duration timeout) {
      super(endpoint, -1, "request timeout of " + timeout.toMillis() + " ms passed", "",
          new TimeoutException("request timeout"));
      this.tier = tier;
    }
  }
}
