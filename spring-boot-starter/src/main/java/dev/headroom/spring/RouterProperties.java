package dev.headroom.spring;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One router: {@code headroom.routers.<name>.*}. Every default is the one {@link dev.headroom.core.route.Router}
 * uses.
 *
 * @param tiers the tiers in order: a request spills from one to the next (at least one)
 * @param maxAttempts the most calls one request may make, first try included
 * @param retryBudget retries as a share of requests, shared by all requests of the router
 */
public record RouterProperties(
    List<Tier> tiers,
    @DefaultValue("3") int maxAttempts,
    @DefaultValue RetryBudget retryBudget) {

  /** Copies the tier list; an absent list becomes empty (and fails validation with its property name). */
  public RouterProperties {
    tiers = tiers == null ? List.of() : List.copyOf(tiers);
  }

  /**
   * One tier: {@code headroom.routers.<name>.tiers[i].*}.
   *
   * @param pool the name of a pool in {@code headroom.pools}, or of a {@link dev.headroom.core.Pool} bean
   * @param name the tier name in metrics and errors; the pool name when not set
   * @param waitBudget the longest a request waits for a slot here before it spills to the next tier (0: only a
   *     free slot)
   */
  public record Tier(String pool, String name, @DefaultValue("0ms") Duration waitBudget) {}

  /**
   * Finagle's retry budget: {@code headroom.routers.<name>.retry-budget.*}.
   *
   * @param ttl the sliding window
   * @param minRetriesPerSecond the reserve of retries per second that is always allowed
   * @param percentCanRetry retries as a share of requests, in [0, 1]
   */
  public record RetryBudget(
      @DefaultValue("10s") Duration ttl,
      @DefaultValue("10") int minRetriesPerSecond,
      @DefaultValue("0.2") double percentCanRetry) {

    /**
     * These settings as core's {@link dev.headroom.core.route.RetryBudget} on {@code ticker}, for the modules'
     * auto-configurations too.
     *
     * @param at the property path of these settings, named by a rejected value's error
     * @throws dev.headroom.core.ConfigException naming the property of a rejected value
     */
    public dev.headroom.core.route.RetryBudget toCore(String at, dev.headroom.core.time.Ticker ticker) {
      return PropertyErrors.at(at, "retryBudget",
          () -> dev.headroom.core.route.RetryBudget.create(ttl, minRetriesPerSecond, percentCanRetry, ticker));
    }
  }
}
