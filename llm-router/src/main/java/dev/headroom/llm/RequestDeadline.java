package dev.headroom.llm;

import dev.headroom.core.BackendException;
import dev.headroom.core.Lease;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.core.SpillReason;
import dev.headroom.core.TierAttempt;
import dev.headroom.core.time.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The timeout of one request ({@link ChatRequest#timeout()}, else the router's request timeout) applied to the HTTP
 * exchanges of its attempts: each caps its HTTP timeout by {@link Lease#deadline()} and registers an
 * {@link Lease#onAbort abort hook} that cuts it; a stream past its first token gets a timer of its own. The caller
 * sees core's {@link RequestTimeoutException} (after the first chunk, as the cause of a
 * {@link StreamInterruptedException}). Why it is done this way: the package documentation, "Deadlines".
 */
final class RequestDeadline {
  private final String router;
  private final Duration timeout;
  private final Scheduler scheduler;
  private final InFlight inFlight;

  RequestDeadline(String router, Duration timeout, Scheduler scheduler, InFlight inFlight) {
    this.router = router;
    this.timeout = timeout;
    this.scheduler = scheduler;
    this.inFlight = inFlight;
  }

  /** The request's timeout. */
  Duration timeout() {
    return timeout;
  }

  /**
   * What one HTTP exchange on {@code lease} may take: {@code perCall} capped by the time left (core's
   * {@link dev.headroom.core.Deadline#cap}, never below 1 ms, which the JDK client accepts).
   */
  Duration cap(Lease lease, Duration perCall) {
    return lease.deadline().cap(perCall);
  }

  /** Cuts the exchange of {@code abort} when core's watchdog aborts {@code lease} at the deadline. */
  void bind(Lease lease, Abort abort, String tier) {
    String endpoint = lease.endpoint().id();
    lease.onAbort(() -> expire(abort, tier, endpoint));
  }

  /**
   * For a stream past its first token, whose lease the router no longer watches: aborts it at the request deadline
   * (at once if it has passed). The handle cancels the timer when the stream ends first.
   */
  Scheduler.Cancellable armDetached(Lease lease, Abort abort, String tier) {
    String endpoint = lease.endpoint().id();
    long left = lease.deadline().remainingNanos();
    if (left <= 0) {
      expire(abort, tier, endpoint);
      return () -> { };
    }
    return scheduler.schedule(left, () -> expire(abort, tier, endpoint));
  }

  private void expire(Abort abort, String tier, String endpoint) {
    abort.fire(new Exceeded(tier, endpoint, timeout));
    inFlight.end(abort);
  }

  /**
   * What the caller sees for {@code failure}: a {@link RequestTimeoutException} when the deadline cut the call,
   * else {@code failure} itself.
   */
  Throwable typed(Throwable failure) {
    if (failure instanceof NoCapacityException capacity && capacity.lastReason() == SpillReason.DEADLINE) {
      return capacity;
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Exceeded exceeded) {
        return new RequestTimeoutException(router, exceeded.endpoint(), timeout,
            List.of(new TierAttempt(exceeded.tier, SpillReason.DEADLINE,
                "request timeout passed during the call on '" + exceeded.endpoint() + "'")), failure);
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
   * into the typed timeout before the caller sees it.
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
