package dev.headroom.core.route;

import dev.headroom.core.BackendException;
import dev.headroom.core.Deadline;
import dev.headroom.core.Lease;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolExhaustedException;
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

  Route(Router router, RouteOptions options) {
    this.router = router;
    this.options = options;
    this.deadline = options.timeout().map(t -> Deadline.after(t, router.ticker())).orElse(Deadline.none());
  }

  /** The next lease, waiting in a tier's queue when its budget allows; throws when every tier was passed. */
  Lease nextLease() {
    while (true) {
      Step step = step();
      if (step.lease != null) {
        return step.lease;
      }
      try {
        Lease lease = step.tier.pool().acquire(step.selector, step.waitUntil);
        calls++;
        return lease;
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
      return CompletableFuture.completedFuture(step.lease);
    }
    return step.tier.pool().acquireAsync(step.selector, step.waitUntil).handle((lease, error) -> {
      if (lease != null) {
        calls++;
        return CompletableFuture.completedFuture(lease);
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
      case BUSY -> lease.busy();
      case UNSENT, FAILED -> lease.failure(failure);
      case REJECTED -> lease.clientError();
      case LOCAL -> lease.close();
    }
    lastFailure = failure;
    boolean retryable = kind == FailureKind.BUSY || kind == FailureKind.UNSENT
        || (kind == FailureKind.FAILED && options.idempotent());
    Tier current = router.tiers().get(tier);
    if (!retryable) {
      throw asUnchecked(failure, lease);
    }
    SpillReason reason = kind == FailureKind.BUSY ? SpillReason.SATURATED : SpillReason.RETRYABLE_FAILURE;
    if (deadline.isExpired()) { // a retry could not start in time: do not spend the budget on it
      passed.add(new TierAttempt(current.name(), SpillReason.DEADLINE, "request timeout passed: " + brief(failure)));
      throw new NoCapacityException(passed, failure);
    }
    if (calls >= router.maxAttempts()) {
      passed.add(new TierAttempt(current.name(), reason, "gave up after " + calls + " attempts: " + brief(failure)));
      throw new NoCapacityException(passed, failure);
    }
    if (!router.retryBudget().tryWithdraw()) {
      router.metrics().retry(false);
      passed.add(new TierAttempt(current.name(), reason, "retry budget exhausted: " + brief(failure)));
      throw new NoCapacityException(passed, failure);
    }
    router.metrics().retry(true);
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
        passed.add(new TierAttempt(current.name(), SpillReason.DEADLINE, "request timeout passed"));
        throw new NoCapacityException(passed, lastFailure);
      }
      Pool pool = current.pool();
      Selector selector = selectorFor(current);
      Duration budget = current.waitBudget();
      if (budget.isZero()) { // a slot now or nothing
        Optional<Lease> now = pool.tryAcquire(selector);
        if (now.isPresent()) {
          calls++;
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
      Duration predicted = pool.estimatedWait(selector);
      if (predicted.compareTo(budget) > 0) {
        spill(SpillReason.SATURATED, "predicted wait " + predicted.toMillis() + " ms > budget "
            + budget.toMillis() + " ms");
        continue;
      }
      return new Step(current, selector, deadline.atMost(budget, router.ticker()), null);
    }
    throw new NoCapacityException(passed, lastFailure);
  }

  private void spillAfterWait(Tier current, PoolExhaustedException e) {
    if (deadline.isExpired()) {
      passed.add(new TierAttempt(current.name(), SpillReason.DEADLINE, "request timeout passed while waiting"));
      throw new NoCapacityException(passed, lastFailure);
    }
    SpillReason reason = e.lastReason() == SpillReason.NO_HEALTHY_ENDPOINT
        ? SpillReason.NO_HEALTHY_ENDPOINT : SpillReason.SATURATED;
    spill(reason, "waited " + e.waited().toMillis() + " ms, " + e.waiting() + " waiting");
  }

  private void spill(SpillReason reason, String detail) {
    List<Tier> tiers = router.tiers();
    Tier from = tiers.get(tier);
    passed.add(new TierAttempt(from.name(), reason, detail));
    tier++;
    failedHere.clear();
    router.metrics().spill(from.name(), tier < tiers.size() ? tiers.get(tier).name() : "none", reason);
  }

  private Selector selectorFor(Tier tier) {
    Selector selector = options.selectorFor(tier.name());
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
