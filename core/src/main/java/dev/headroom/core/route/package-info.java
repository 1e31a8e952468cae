/**
 * Routing across tiers of pools: a {@link dev.headroom.core.route.Router} takes a slot in the first tier that has
 * one, waits only within a tier's budget, spills with a reason, and retries within a per-request limit and a
 * shared Finagle-style {@link dev.headroom.core.route.RetryBudget}.
 *
 * <h2>Request timeout</h2>
 * {@link dev.headroom.core.route.RouteOptions#timeout()} is the most the whole request may take, calls included.
 * Every lease the router grants carries that deadline, and while a call runs a watchdog is scheduled at the
 * deadline on the router's {@link dev.headroom.core.time.Scheduler} (only for requests with a timeout: the hot path
 * without one is unchanged). The call's end and the watchdog race through one CAS, as in {@code FutureTask}: if the
 * watchdog wins it runs the lease's abort hooks, interrupts the calling thread of {@code execute} (the interrupt is
 * cleared again before {@code execute} returns) or cancels the stage of {@code executeAsync}, ends the lease as a
 * failure and the caller gets a {@link dev.headroom.core.RequestTimeoutException}. A call that does not react to
 * interrupts should register an abort hook that closes what it blocks on.
 *
 * <h2>Retries and the budget</h2>
 * A retry is withdrawn from the budget, and counted in {@code headroom.retries{result=sent}}, only once a lease
 * for it is granted; a retry with no eligible endpoint left ends the request without charging the budget. A
 * {@link dev.headroom.core.BackendException} with 429 or 503 is busy (re-routed, not a failure), and its
 * {@link dev.headroom.core.BackendException#retryAfter()} keeps that endpoint out of picks for as long (capped).
 *
 * <h2>Wait budgets and the one-pool router</h2>
 * A tier with a tier after it is <em>predictive</em>: when the pool predicts a longer wait than the tier's budget
 * ({@link dev.headroom.core.Pool#estimatedWait}), the request spills at once rather than queueing only to time
 * out, because the next tier is likely to serve it sooner. A router over one pool has nowhere to spill, so the
 * prediction would only turn a short wait into a refusal:
 * {@link dev.headroom.core.route.Router#of(dev.headroom.core.Pool)} and {@code Router.Builder.pool(pool)} build a
 * non-predictive tier ({@link dev.headroom.core.route.Tier#waiting}) that queues the request for as long as its
 * timeout allows, as {@code Pool.acquire} does. Routers built with {@code tier(...)} keep the predictive behaviour
 * in every tier, the last included.
 *
 * <h2>Closing</h2>
 * {@link dev.headroom.core.route.Router#close()} closes each of its tiers' pools once: a router is usually the
 * only user of its pools, and closing them one by one was easy to get wrong. Pools shared with something else
 * should be closed by their owner instead of through the router.
 */
package dev.headroom.core.route;
