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
 */
package dev.headroom.core.route;
