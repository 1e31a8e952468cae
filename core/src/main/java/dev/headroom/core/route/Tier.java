package dev.headroom.core.route;

import dev.headroom.core.ConfigException;
import dev.headroom.core.Pool;
import java.time.Duration;
import java.util.Objects;

/**
 * One step of a {@link Router}: a pool and how long a request may wait for a slot there before it spills to the
 * next tier. A zero budget means "use it only if a slot is free now".
 *
 * @param name the tier name, used in metrics ({@code headroom.spillover{from,to}}) and errors
 * @param pool the endpoints of this tier
 * @param waitBudget the longest a request waits in this tier's queue
 */
public record Tier(String name, Pool pool, Duration waitBudget) {
  /** Validates. */
  public Tier {
    if (name == null || name.isBlank()) {
      throw new ConfigException("tier name", name, "must be non-empty");
    }
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(waitBudget, "waitBudget");
    if (waitBudget.isNegative()) {
      throw new ConfigException("waitBudget of tier '" + name + "'", waitBudget, "must be >= 0");
    }
  }

  /** A tier named after its pool. */
  public static Tier of(Pool pool, Duration waitBudget) {
    return new Tier(pool.name(), pool, waitBudget);
  }
}
