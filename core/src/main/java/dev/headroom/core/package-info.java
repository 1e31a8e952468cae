/**
 * Headroom's core: {@link dev.headroom.core.Pool}s of interchangeable {@link dev.headroom.core.Endpoint}s with
 * per-endpoint concurrency limits, load-aware picking, a FIFO of waiting callers, passive outlier ejection,
 * per-endpoint circuit breakers, active probes and Micrometer metrics. A caller holds a
 * {@link dev.headroom.core.Lease} (one slot on one endpoint) for the length of one call and says how it went.
 *
 * <h2>Deadlines</h2>
 * A {@link dev.headroom.core.Lease} carries the deadline of the request it serves
 * ({@link dev.headroom.core.Lease#deadline()}, set by the {@code Router} from the request timeout;
 * {@link dev.headroom.core.Deadline#none()} otherwise). An attempt's call should take at most
 * {@code lease.deadline().cap(perCallTimeout)}, so a retry gets what is left of the request's time, not a fresh
 * per-call timeout. What must happen when the deadline passes during the call (close the response stream, cancel
 * a future) is registered with {@link dev.headroom.core.Lease#onAbort(Runnable)}; the router's watchdog runs it.
 *
 * <h2>Panic threshold</h2>
 * Outlier ejection never takes out more than {@code maxEjectionShare} of a pool, but resilience4j breakers open on
 * their own, so every breaker could open together and empty the pool. As Envoy does, the pool has a
 * {@linkplain dev.headroom.core.PoolConfig#panicThreshold() panic threshold} (default 0.5): when fewer than that
 * share of its endpoints (not counting draining ones and ones down by their probe) are free of ejection and open
 * breakers, it is more likely that the problem is pool-wide (the client's network, a bad deploy) than that every
 * endpoint is broken, and the pool picks among all of them, letting calls past open breakers. We chose this over
 * extending {@code maxEjectionShare} to breakers because that share is an outlier-detection setting (0 when
 * detection is off, which would have disabled breakers too) and because Envoy operators know the panic rule.
 * {@code panicThreshold(0)} turns panic off, so breakers can empty a tier and a {@code Router} spills to the next.
 * A {@code Router} panics only in its last tier: Envoy weighs panic over all its priority levels together, and a
 * tier with a tier after it has somewhere better to send the request than to endpoints it knows are broken, so in
 * every earlier tier the router picks {@linkplain dev.headroom.core.Selector#withoutPanic() without panic} and
 * spills when nothing else is left.
 *
 * <h2>Retry-After</h2>
 * {@link dev.headroom.core.Lease#busy(java.time.Duration)} records backpressure with the server's
 * {@code Retry-After}: the endpoint is left out of picks for that long (a cooldown: not an ejection, not a failure,
 * not counted by the panic threshold), capped by {@link dev.headroom.core.PoolConfig#maxRetryAfter()} (60 s) so a
 * hostile {@code Retry-After: 86400} cannot bench a node for a day.
 *
 * <h2>Members at run time, and slow start</h2>
 * {@link dev.headroom.core.Pool#add}, {@code drain}, {@code resume} and {@code remove} change a running pool;
 * {@link dev.headroom.core.discovery.MembershipSync} drives them from a discovery source. An endpoint added to a
 * running pool waits for its first health probe (when the pool has probes; it is probed at once) and then, with
 * {@link dev.headroom.core.PoolConfig.Builder#slowStart(java.time.Duration)}, ramps its share of the traffic up as
 * Envoy's slow start. The pool applies the ramp to every pick, whatever the picker and cost function: it draws by
 * effective weight ({@code weight × }{@link dev.headroom.core.EndpointState#slowStartFactor(long)}) before the
 * picker chooses among the endpoints that are not ramping, and caps a ramping endpoint at
 * {@code ceil(factor × maxConcurrency)} leases. Scaling a cost by the factor instead would not give the ramp's
 * share: power of two choices compares costs, so a ramping endpoint would get nothing at light load and the
 * overflow at heavy load. A {@link dev.headroom.core.Selector#slowStart} of false exempts an endpoint whose
 * warm-up the request prices itself.
 *
 * <h2>Leak detection</h2>
 * A lease that is never ended holds its slot for ever. With
 * {@link dev.headroom.core.PoolConfig.Builder#leakDetectionThreshold(java.time.Duration)} set (off by default: it
 * costs a timer and a {@link java.lang.ref.Cleaner} registration per lease), the pool warns once per lease held
 * longer than the threshold (pool, endpoint, age; where it was acquired with {@code leakDetectionStackTraces}),
 * counts it in {@code headroom.pool.leases.leaked}, and gives back the slot of a lease that became unreachable
 * without being ended (counted once).
 *
 * <h2>Circuit breakers</h2>
 * Each endpoint's breaker is a resilience4j {@code CircuitBreaker} that the pool alone records calls on, without
 * an event consumer (with one, resilience4j allocates an event per recorded call): after each call it records, the
 * pool compares the breaker's (volatile) state with the one it last acted on and rebuilds its snapshot when it
 * changed. The breaker itself is never handed out, since a caller that recorded on it or forced its state would
 * desynchronise the pool; {@link dev.headroom.core.EndpointState#breaker()} is a read-only
 * {@link dev.headroom.core.BreakerState}. A pool built with {@code noCircuitBreaker()} creates no breaker at all.
 *
 * <h2>The saturated path</h2>
 * When every slot is held, callers wait in a FIFO ({@code WaitQueue}) behind one monitor, and each ended lease
 * hands its slot to the first waiter that can use it (on the ending thread). {@code SaturatedBenchmark} in
 * {@code benchmarks} measures this hand-off on one and two threads against the free-slot path; its figures (see
 * {@code benchmarks/RESULTS.md}) did not show the monitor as the cost, so there is no drain flag or
 * {@code tryLock} hand-off as in Caffeine's buffers. Meters are looked up once per endpoint, not per call: the
 * endpoint's meters hang off its {@code EndpointState}.
 *
 * <h2>Logging</h2>
 * Core logs through SLF4J (pool changes: ejections, breakers, panic, leaks) and creates its loggers on first use,
 * because SLF4J 2 prints its three-line "no SLF4J providers" notice when its factory first starts: an application
 * without a provider sees it only once core has something to log. resilience4j's breaker classes hold a static
 * SLF4J logger, so a pool with breakers (the default) starts the factory when it is built; a pool without them does
 * not. Core never brings an SLF4J provider itself ({@code slf4j-simple} is a test dependency only).
 */
package dev.headroom.core;
