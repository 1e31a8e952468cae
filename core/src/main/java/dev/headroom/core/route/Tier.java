package dev.headroom.core.route;

import dev.headroom.core.Checks;
import dev.headroom.core.Pool;
import java.time.Duration;
import java.util.Objects;

/**
 * One step of a {@link Router}: a pool and how long a request may wait for a slot there before it spills to the
 * next tier. A zero budget means "use it only if a slot is free now".
 *
 * <p>A tier with somewhere to spill ({@code predictive}, the default) passes a request on at once when the pool
 * predicts a longer wait than the budget, rather than queueing it only to time out. A tier with nowhere to spill
 * ({@link #waiting(Pool, Duration)}, what {@link Router#of(Pool)} builds) has nothing better to offer: it queues
 * the request for up to its budget (bounded by the request timeout) whatever the prediction, as the pool's own
 * {@code acquire} would.
 *
 * @param name the tier name, used in metrics ({@code headroom.spillover{from,to}}) and errors
 * @param pool the endpoints of this tier
 * @param waitBudget the longest a request waits in this tier's queue; {@link #UNTIL_TIMEOUT}: as long as the
 *     request timeout allows
 * @param predictive whether a request whose predicted wait exceeds the budget passes this tier at once
 */
public record Tier(String name, Pool pool, Duration waitBudget, boolean predictive) {
  /** A wait budget with no bound of its own: the request's timeout (if any) bounds the wait. */
  public static final Duration UNTIL_TIMEOUT = Duration.ofSeconds(Long.MAX_VALUE);

  /** Validates. */
  public Tier {
    Checks.plain().nonBlank("tier name", name);
    Objects.requireNonNull(pool, "pool");
    Checks.in("tier '" + name + "'").nonNegative("waitBudget", waitBudget);
  }

  /** A predictive tier: it passes a request on at once when the predicted wait exceeds {@code waitBudget}. */
  public Tier(String name, Pool pool, Duration waitBudget) {
    this(name, pool, waitBudget, true);
  }

  /** A predictive tier named after its pool. */
  public static Tier of(Pool pool, Duration waitBudget) {
    return new Tier(pool.name(), pool, waitBudget);
  }

  /**
   * A tier named after its pool that queues a request for up to {@code maxWait} (bounded by the request timeout;
   * {@link #UNTIL_TIMEOUT} for no bound of its own) whatever the predicted wait: for a last tier with nowhere to
   * spill.
   */
  public static Tier waiting(Pool pool, Duration maxWait) {
    return new Tier(pool.name(), pool, maxWait, false);
  }
}
