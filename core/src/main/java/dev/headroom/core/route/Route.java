package dev.headroom.core.route;

import dev.headroom.core.BackendException;
import dev.headroom.core.Deadline;
import dev.headroom.core.Lease;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolExhaustedException;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.core.Selector;
import dev.headroom.core.SpillReason;
import dev.headroom.core.TierAttempt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The progress of one request through a {@link Router}'s tiers: which tier it is on, which endpoints of that tier
 * already failed it, what each passed tier said. Used by one request at a time (the blocking loop, or the async
 * chain whose steps happen one after another).
 */
final class Route {
  private final Router router;
  private final RouteOptions options;
  private final Deadline deadline;
  private final List<TierAttempt> passed = new ArrayList<>(2);
  private final Set<String> failedHere = new HashSet<>(2);
  private int tier;
  private int calls;
  private Throwable lastFailure;
  /** A retry was decided on; the budget is charged (and the retry counted) only once a lease for it is granted. */
  private boolean retryPending;
  private final RouteObservation observation;

  Route(Router router, RouteOptions options) {
    this.router = router;
    this.options = options;
    this.observation = RouteObservation.start(router.observations(), router.name());
    Duration timeout = options.timeout().orElse(null);
    this.deadline = timeout == null ? Deadline.none() : Deadline.after(timeout, router.ticker());
  }

  /** The request's observations (a shared no-op without an observation registry). */
  RouteObservation observation() {
    return observation;
  }

  /** The request's deadline ({@link Deadline#none()} without a timeout). */
  Deadline deadline() {
    return deadline;
  }

  /**
   * Books a granted lease: counts the call, charges the retry budget when it is a retry (giving the lease back
   * and ending the request when the budget was spent meanwhile), and bounds the lease by the request deadline.
   */
  private Lease granted(Lease lease) {
    if (retryPending) {
      retryPending = false;
      if (!router.retryBudget().tryWithdraw()) {
        lease.close();
        router.metrics().retry(false);
        passed.add(new TierAttempt(router.tiers().get(tier).name(), SpillReason.RETRYABLE_FAILURE,
            "retry budget exhausted: " + brief(lastFailure)));
        throw new NoCapacityException(passed, lastFailure);
      }
      router.metrics().retry(true);
    }
    calls++;
    lease.limitDeadline(deadline);
    observation.attemptStarted(router.tiers().get(tier).name(), lease, calls);
    return lease;
  }

  /**
   * The error for a request whose deadline passed: while {@code endpoint}'s call ran (the watchdog fired), or
   * with no call running ({@code endpoint} null).
   */
  RequestTimeoutException timedOut(String endpoint, String detail) {
    return timedOut(endpoint, detail, lastFailure);
  }

  /** As {@link #timedOut(String, String)}, with the given cause (null: the last call failure, if any). */
  RequestTimeoutException timedOut(String endpoint, String detail, Throwable cause) {
    Tier current = router.tiers().get(Math.min(tier, router.tiers().size() - 1));
    passed.add(new TierAttempt(current.name(), SpillReason.DEADLINE, detail));
    return new RequestTimeoutException(router.name(), endpoint, options.timeout().orElse(Duration.ZERO), passed,
        cause != null ? cause : lastFailure);
  }

  /** The next lease, waiting in a tier's queue when its budget allows; throws when every tier was passed. */
  Lease nextLease() {
    while (true) {
      Step step = step();
      if (step.lease != null) {
        return granted(step.lease);
      }
      try {
        return granted(step.tier.pool().acquire(step.selector, step.waitUntil));
      } catch (PoolExhaustedException e) {
        spillAfterWait(step.tier, e);
      }
    }
  }

  /** {@link #nextLease()} without blocking. */
  CompletableFuture<Lease> nextLeaseAsync() {
    Step step;
    try {
      step = step();
    } catch (NoCapacityException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (step.lease != null) {
      try {
        return CompletableFuture.completedFuture(granted(step.lease));
      } catch (NoCapacityException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return step.tier.pool().acquireAsync(step.selector, step.waitUntil).handle((lease, error) -> {
      if (lease != null) {
        try {
          return CompletableFuture.completedFuture(granted(lease));
        } catch (NoCapacityException e) {
          return CompletableFuture.<Lease>failedFuture(e);
        }
      }
      Throwable cause = FailureClassifier.unwrap(error);
      if (!(cause instanceof PoolExhaustedException exhausted)) {
        return CompletableFuture.<Lease>failedFuture(cause);
      }
      try {
        spillAfterWait(step.tier, exhausted);
      } catch (NoCapacityException e) {
        return CompletableFuture.<Lease>failedFuture(e);
      }
      return nextLeaseAsync();
    }).thenCompose(Function.identity());
  }

  /**
   * Records a failed call and decides whether to go on. Returns normally when the request should be tried again
   * (in this tier without the failed endpoint, or in the next tier); throws what the caller should see otherwise.
   */
  void onFailure(Lease lease, Throwable error) {
    Throwable failure = FailureClassifier.unwrap(error);
    FailureKind kind = router.classifier().classify(failure);
    switch (kind) {
      case BUSY -> {
        Duration retryAfter = failure instanceof BackendException backend ? backend.retryAfter().orElse(null) : null;
        if (retryAfter != null) {
          lease.busy(retryAfter);
        } else {
          lease.busy();
        }
      }
      case UNSENT, FAILED -> lease.failure(failure);
      case REJECTED -> lease.clientError();
      case LOCAL -> lease.close();
    }
    observation.attemptEnded(kind.name().toLowerCase(java.util.Locale.ROOT), failure);
    lastFailure = failure;
    boolean retryable = kind == FailureKind.BUSY || kind == FailureKind.UNSENT
        || (kind == FailureKind.FAILED && options.idempotent());
    Tier current = router.tiers().get(tier);
    if (!retryable) {
      throw asUnchecked(failure, lease);
    }
    SpillReason reason = kind == FailureKind.BUSY ? SpillReason.SATURATED : SpillReason.RETRYABLE_FAILURE;
    if (deadline.isExpired()) { // a retry could not start in time: do not spend the budget on it
      // the call on this lease was the one running at the deadline, whether it or the watchdog noticed first
      throw timedOut(lease.endpoint().id(), "request timeout passed during the call: " + brief(failure));
    }
    if (calls >= router.maxAttempts()) {
      passed.add(new TierAttempt(current.name(), reason, "gave up after " + calls + " attempts: " + brief(failure)));
      throw new NoCapacityException(passed, failure);
    }
    if (router.retryBudget().balance() < 1) { // checked now, charged only when the retry gets a lease
      router.metrics().retry(false);
      passed.add(new TierAttempt(current.name(), reason, "retry budget exhausted: " + brief(failure)));
      throw new NoCapacityException(passed, failure);
    }
    retryPending = true;
    failedHere.add(lease.endpoint().id());
    Selector others = selectorFor(current);
    if (!current.pool().hasEligible(others)) {
      spill(reason, brief(failure));
    }
  }

  private Step step() {
    List<Tier> tiers = router.tiers();
    while (tier < tiers.size()) {
      Tier current = tiers.get(tier);
      if (deadline.isExpired()) {
        throw timedOut(null, "request timeout passed");
      }
      Pool pool = current.pool();
      Selector selector = selectorFor(current);
      Duration budget = current.waitBudget();
      if (budget.isZero()) { // a slot now or nothing
        Optional<Lease> now = pool.tryAcquire(selector);
        if (now.isPresent()) {
          return new Step(current, selector, null, now.get());
        }
      }
      if (!pool.hasEligible(selector)) {
        spill(SpillReason.NO_HEALTHY_ENDPOINT, "no eligible endpoint");
        continue;
      }
      if (budget.isZero()) {
        spill(SpillReason.SATURATED, "all endpoints busy, no wait budget");
        continue;
      }
      // a tier that may wait acquires with its budget: the pool takes a free slot at once, or waits for a faster
      // endpoint's slot when that is expected to be quicker, or queues
      if (current.predictive()) {
        Duration predicted = pool.estimatedWait(selector);
        if (predicted.compareTo(budget) > 0) {
          spill(SpillReason.SATURATED, "predicted wait " + predicted.toMillis() + " ms > budget "
              + budget.toMillis() + " ms");
          continue;
        }
      }
      Deadline waitUntil = budget.equals(Tier.UNTIL_TIMEOUT) ? deadline : deadline.atMost(budget, router.ticker());
      return new Step(current, selector, waitUntil, null);
    }
    throw new NoCapacityException(passed, lastFailure);
  }

  private void spillAfterWait(Tier current, PoolExhaustedException e) {
    if (deadline.isExpired()) {
      throw timedOut(null, "request timeout passed while waiting");
    }
    SpillReason reason = e.lastReason() == SpillReason.NO_HEALTHY_ENDPOINT
        ? SpillReason.NO_HEALTHY_ENDPOINT : SpillReason.SATURATED;
    spill(reason, "waited " + e.waited().toMillis() + " ms, " + e.waiting() + " waiting");
  }

  private void spill(SpillReason reason, String detail) {
    List<Tier> tiers = router.tiers();
    Tier from = tiers.get(tier);
    passed.add(new TierAttempt(from.name(), reason, detail));
    router.metrics().spill(tier, reason);
    observation.spilled(from.name(), reason);
    tier++;
    failedHere.clear();
  }

  private Selector selectorFor(Tier tier) {
    Selector selector = options.selectorFor(tier.name());
    List<Tier> tiers = router.tiers();
    if (tier != tiers.get(tiers.size() - 1)) {
      // panic is for a tier with nowhere else to go (Envoy weighs it over all priority levels): an earlier tier
      // whose endpoints are all ejected or broken spills to the next one instead
      selector = selector.and(Selector.withoutPanic());
    }
    return failedHere.isEmpty() ? selector : selector.and(Selector.excluding(failedHere));
  }

  private static RuntimeException asUnchecked(Throwable failure, Lease lease) {
    if (failure instanceof RuntimeException runtime) {
      return runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new BackendException(lease.endpoint().id(), -1, brief(failure), "", failure);
  }

  private static String brief(Throwable failure) {
    String message = failure.getMessage();
    String text = failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }

  /** Either a lease taken at once, or where and until when to wait for one. */
  private record Step(Tier tier, Selector selector, Deadline waitUntil, Lease lease) {}
}
