package dev.headroom.core;

import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.time.Ticker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A set of interchangeable endpoints with per-endpoint concurrency limits, a load-aware {@link Picker}, a bounded
 * FIFO of waiting callers, passive outlier ejection, per-endpoint circuit breakers and optional active probes.
 *
 * <pre>{@code
 * Pool pool = Pool.create(PoolConfig.builder("ollama")
 *     .endpoint(Endpoint.of("gpu-1", URI.create("http://10.0.0.5:11434"), 4))
 *     .endpoint(Endpoint.of("gpu-2", URI.create("http://10.0.0.6:11434"), 4))
 *     .meterRegistry(registry)
 *     .build());
 * try (Lease lease = pool.acquire(Duration.ofMillis(500))) {
 *   ... call lease.endpoint().uri() ...
 *   lease.success();
 * }
 * }</pre>
 *
 * <p>Acquiring reads the current {@link Snapshot}, lets the picker choose, and reserves a slot with one CAS. When
 * every eligible endpoint is full the caller waits in FIFO order until a slot frees or its deadline passes, and
 * then gets a {@link PoolExhaustedException}. Thread-safe.
 */
public final class Pool implements AutoCloseable {
  private static final int PICK_ATTEMPTS = 4;
  /** What {@link #estimatedWait} says when nothing could serve: "never", without overflowing arithmetic. */
  private static final Duration FOREVER = Duration.ofDays(365L * 100);

  private final PoolConfig config;
  private final String name;
  private final Ticker ticker;
  private final Picker picker;
  private final Selector poolSelector;
  private final PoolMetrics metrics;
  private final Membership members;
  private final Admission admission;
  private final HealthChecker health;
  private final boolean leakDetection;
  /** The pool's side of a shared fleet coordinator; null with the local default. */
  private final PoolFleet fleet;
  /** Draws slow-start picks (see {@link SlowStartPicks}). */
  private final RandomSource random;
  private volatile boolean closed;

  private Pool(PoolConfig config) {
    this.config = config;
    this.name = config.name();
    this.ticker = config.ticker();
    this.picker = config.picker();
    this.poolSelector = config.selector();
    this.leakDetection = !config.leakDetectionThreshold().isZero();
    this.random = config.random();
    this.metrics = new PoolMetrics(config.meterRegistry().orElse(null), name, config.tier());
    this.admission = new Admission(config, metrics, this::tryLease, this::exhausted);
    this.members = new Membership(config, metrics, admission::dispatch);
    this.health = config.healthCheck()
        .map(check -> new HealthChecker(this, check, config.scheduler(), config.random()))
        .orElse(null);
    config.endpoints().forEach(endpoint -> add(endpoint, false, false));
    this.fleet = config.coordinator() == FleetCoordinator.local()
        ? null : new PoolFleet(config, members, admission::dispatch);
  }

  /** Creates a pool and, when configured, starts probing its endpoints. */
  public static Pool create(PoolConfig config) {
    return new Pool(Objects.requireNonNull(config, "config"));
  }

  /** The pool name. */
  public String name() {
    return name;
  }

  /** The configuration the pool was created with (its endpoints are the initial ones). */
  public PoolConfig config() {
    return config;
  }

  /** The pool's time source. */
  public Ticker ticker() {
    return ticker;
  }

  // ---------------------------------------------------------------- acquiring

  /** Acquires a lease on any endpoint, waiting at most {@code maxWait}. */
  public Lease acquire(Duration maxWait) {
    return acquire(Selector.any(), Deadline.after(maxWait, ticker));
  }

  /** Acquires a lease on any endpoint before {@code deadline}. */
  public Lease acquire(Deadline deadline) {
    return acquire(Selector.any(), deadline);
  }

  /**
   * Acquires a lease on an endpoint that {@code selector} accepts, waiting in FIFO order until {@code deadline}.
   *
   * @throws PoolExhaustedException when no endpoint is eligible, the queue is full or the deadline passes
   * @throws HeadroomException when the pool is closed or the thread is interrupted while waiting
   */
  public Lease acquire(Selector selector, Deadline deadline) {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(deadline, "deadline");
    checkOpen();
    Selector effective = poolSelector.and(selector);
    long now = ticker.read();
    Lease lease = leaseNow(effective, deadline, now); // the fast path allocates no future
    if (lease != null) {
      return lease;
    }
    CompletableFuture<Lease> future = queue(effective, deadline, now);
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (!future.cancel(false)) {
        future.join().close(); // granted just as we were interrupted: give it back
      }
      throw new HeadroomException("interrupted while waiting for a lease in pool '" + name + "'", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /** A lease if one is free right now (and nobody is queued ahead), else empty. Never waits. */
  public Optional<Lease> tryAcquire(Selector selector) {
    checkOpen();
    if (!admission.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(tryLease(poolSelector.and(selector), ticker.read(), 0, 0));
  }

  /**
   * Acquires without blocking the caller: the future completes with a lease, or with a
   * {@link PoolExhaustedException} when no endpoint is eligible, the queue is full or {@code deadline} passes.
   * A future granted while waiting completes on the thread that freed the slot; keep continuations short.
   * Cancelling the future withdraws the caller from the queue.
   */
  public CompletableFuture<Lease> acquireAsync(Selector selector, Deadline deadline) {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(deadline, "deadline");
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    Selector effective = poolSelector.and(selector);
    long now = ticker.read();
    Lease lease = leaseNow(effective, deadline, now);
    return lease != null ? CompletableFuture.completedFuture(lease) : queue(effective, deadline, now);
  }

  /** A lease taken at once when nobody is queued ahead and a slot is free (and worth taking), else null. */
  private Lease leaseNow(Selector effective, Deadline deadline, long now) {
    return admission.isEmpty() ? tryLease(effective, now, 0, deadline.remainingNanos()) : null;
  }

  /** Joins the queue, or fails at once when no endpoint is eligible or the caller cannot wait at all. */
  private CompletableFuture<Lease> queue(Selector effective, Deadline deadline, long now) {
    if (!members.current(now).anyAccepted(effective)) {
      return CompletableFuture.failedFuture(exhausted(SpillReason.NO_HEALTHY_ENDPOINT, "no eligible endpoint", 0));
    }
    if (deadline.isExpired()) {
      return CompletableFuture.failedFuture(exhausted(SpillReason.SATURATED, "every endpoint is full", 0));
    }
    return admission.enqueue(effective, deadline, now);
  }

  /** Whether any endpoint that {@code selector} accepts is eligible now, whatever its load. */
  public boolean hasEligible(Selector selector) {
    return members.current(ticker.read()).anyAccepted(poolSelector.and(selector));
  }

  /**
   * How long a new request for {@code selector} would wait for a slot, predicted from the queue ahead of it and
   * the eligible endpoints' limits and mean latencies; zero when a slot is free now.
   */
  public Duration estimatedWait(Selector selector) {
    long now = ticker.read();
    Snapshot snapshot = members.current(now);
    Selector effective = poolSelector.and(selector);
    double slotsPerNano = 0;
    boolean free = false;
    for (int i = 0; i < snapshot.size(); i++) {
      EndpointState state = snapshot.get(i);
      if (effective.accepts(state)) {
        free |= state.hasCapacity();
        slotsPerNano += state.limit() / state.meanLatencyNanos(now);
      }
    }
    if (free && admission.isEmpty()) {
      return Duration.ZERO;
    }
    if (slotsPerNano == 0) {
      return FOREVER;
    }
    return Duration.ofNanos((long) Math.min(Long.MAX_VALUE / 2.0, (admission.size() + 1) / slotsPerNano));
  }

  // ---------------------------------------------------------------- state

  /** The current snapshot of eligible endpoints. */
  public Snapshot snapshot() {
    return members.current(ticker.read());
  }

  /** Every member endpoint, eligible or not, in the order they joined. */
  public List<EndpointState> endpoints() {
    return members.all();
  }

  /** The member with this id. */
  public Optional<EndpointState> endpoint(String id) {
    return members.get(id);
  }

  /** Leases held across all members. Returns to zero when every lease has ended. */
  public int inFlight() {
    int total = 0;
    for (EndpointState state : members.all()) {
      total += state.inFlight();
    }
    return total;
  }

  /** Callers waiting for a lease. */
  public int queueDepth() {
    return admission.size();
  }

  /** The load of every member, for reports. */
  public List<EndpointLoad> loads() {
    long now = ticker.read();
    List<EndpointLoad> loads = new ArrayList<>();
    for (EndpointState state : members.all()) {
      loads.add(state.load(now));
    }
    return loads;
  }

  // ---------------------------------------------------------------- membership

  /**
   * Adds an endpoint to the running pool. Without a health check it is eligible at once; with one it is probed at
   * once and eligible when its first probe passes (one pass, whatever the healthy threshold), and shown as
   * {@link Health#DOWN} and warming until then. With {@link PoolConfig#slowStart() slow start} its share of the
   * traffic then ramps up over the window. Ids must be unique in the pool.
   */
  public EndpointState add(Endpoint endpoint) {
    return add(endpoint, true, false);
  }

  /**
   * Adds an endpoint that takes no leases until {@link #resume}: a member whose own start must finish first (a
   * browser host launching its browser). Unlike {@link #add} followed by {@link #drain}, no lease can reach it in
   * between. It is shown as draining until resumed.
   */
  public EndpointState addDrained(Endpoint endpoint) {
    return add(endpoint, true, true);
  }

  private EndpointState add(Endpoint endpoint, boolean joining, boolean drained) {
    checkOpen();
    EndpointState state = members.add(Objects.requireNonNull(endpoint, "endpoint"), joining, drained);
    if (health != null) {
      health.start(state);
    }
    admission.dispatch();
    return state;
  }

  /**
   * Removes an endpoint at once: it gets no new leases, and the leases it holds still complete normally.
   *
   * @return completes when its last lease has ended; empty if there was no such member
   */
  public Optional<CompletableFuture<Void>> remove(String id) {
    Optional<EndpointState> removed = members.remove(id);
    removed.ifPresent(state -> {
      if (health != null) {
        health.stop(state);
      }
    });
    return removed.map(state -> members.drain(state, true));
  }

  /**
   * Drains an endpoint: no new leases; the ones it holds finish. It stays a member (shown as draining) until
   * {@link #remove} or {@link #resume}.
   *
   * @return completes when its last lease has ended
   */
  public CompletableFuture<Void> drain(String id) {
    return members.drain(member(id), true);
  }

  /**
   * As {@link #drain}, but completes at once when there is no such member (it never was one, or was removed
   * meanwhile): what a membership view needs, where a member may leave between its check and its drain.
   */
  public CompletableFuture<Void> drainIfMember(String id) {
    return members.get(id).map(state -> members.drain(state, true))
        .orElseGet(() -> CompletableFuture.completedFuture(null));
  }

  /** Makes a draining endpoint eligible again. */
  public void resume(String id) {
    members.drain(member(id), false);
    admission.dispatch();
  }

  /** Drains every member; completes when no lease is held. For graceful shutdown. */
  public CompletableFuture<Void> drainAll() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (EndpointState state : members.all()) {
      all.add(members.drain(state, true));
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * Stops probes, fails every waiting caller and removes the pool's meters; later acquires fail. Held leases may
   * still complete. For a graceful stop, {@link #drainAll()} first.
   */
  @Override
  public void close() {
    closed = true;
    if (fleet != null) {
      fleet.close();
    }
    if (health != null) {
      health.close();
    }
    members.close();
    metrics.close();
    admission.close(this::closedException);
  }

  @Override
  public String toString() {
    return "Pool{" + name + ", " + loads() + ", waiting=" + admission.size() + '}';
  }

  // ---------------------------------------------------------------- internals

  /**
   * Picks and reserves, or returns null when nothing acceptable is free, or when (some endpoint being full) a
   * faster endpoint's slot is expected to free sooner than the chosen one would serve and the caller may wait for
   * it (see {@link FasterSlot}).
   */
  Lease tryLease(Selector selector, long now, int queuedBehind, long maxWaitNanos) {
    Snapshot snapshot = members.current(now);
    if (snapshot.mayBeWarming(now)) { // see SlowStartPicks
      int drawn = SlowStartPicks.draw(snapshot, selector, now, random);
      if (drawn != SlowStartPicks.IGNORE) {
        Lease lease = drawn >= 0 ? reserve(snapshot.get(drawn), now) : null;
        if (lease == null) {
          Selector others = SlowStartPicks.others(selector, now);
          lease = pick(snapshot, others, now, queuedBehind, maxWaitNanos);
          if (lease == null && !SlowStartPicks.anyFree(members.current(now), others)) {
            lease = pick(members.current(now), SlowStartPicks.withinRamp(selector, now), now, queuedBehind,
                maxWaitNanos);
          }
        }
        return lease;
      }
    }
    return pick(snapshot, selector, now, queuedBehind, maxWaitNanos);
  }

  /** Lets the picker choose among what {@code selector} accepts and reserves it; see {@link #tryLease}. */
  private Lease pick(Snapshot snapshot, Selector selector, long now, int queuedBehind, long maxWaitNanos) {
    for (int attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
      int index = picker.pick(snapshot, selector, now);
      if (index == Picker.NONE) {
        return null;
      }
      // with a fleet, an endpoint can be full with others' calls though none is at this replica's own limit
      if (maxWaitNanos > 0 && (fleet != null || members.anyAtLimit())) {
        int chosen = index;
        index = FasterSlot.choose(snapshot, selector, chosen, now, queuedBehind, maxWaitNanos);
        if (index == FasterSlot.WAIT) {
          // if no faster slot frees within the time the chosen endpoint would have served, decide again: the
          // faster endpoint's calls have aged by then, and its latency with them
          admission.recheckAfter((long) snapshot.get(chosen).meanLatencyNanos(now));
          return null;
        }
      }
      Lease lease = reserve(snapshot.get(index), now);
      if (lease != null) {
        return lease;
      }
      snapshot = members.current(now); // lost a race for the last slot, or refused a permit: pick again
    }
    return null;
  }

  /** Reserves a slot on {@code state} and takes its breaker's and the fleet's permits, or returns null. */
  private Lease reserve(EndpointState state, long now) {
    if (!state.tryReserve(now)) {
      return null;
    }
    int bits;
    if (!state.breakerEnabled()) {
      bits = 0;
    } else if (state.breakerBypassed(now)) { // the pool is in panic: an open breaker does not keep it out
      bits = Lease.NO_PERMIT;
    } else {
      boolean permitted = state.circuitBreaker().tryAcquirePermission();
      members.breakerMayHaveChanged(state); // OPEN -> HALF_OPEN happens inside tryAcquirePermission
      if (!permitted) {
        state.release(now); // half-open breaker with no trial call left
        return null;
      }
      bits = 0;
    }
    if (fleet != null && !fleet.permit(state)) { // strict caps: every global permit of it is held
      if (bits == 0 && state.breakerEnabled()) {
        state.circuitBreaker().releasePermission();
      }
      state.release(now);
      return null;
    }
    return newLease(state, now, bits);
  }

  private Lease newLease(EndpointState state, long now, int bits) {
    return leakDetection ? LeakTracker.lease(this, state, now, bits, config) : new Lease(this, state, now, bits, null);
  }

  /**
   * Ends a lease: frees its slot and feeds the outcome back.
   *
   * @param leaseBits the lease's bits ({@link Lease#NO_PERMIT}: the breaker gave no permission, record nothing)
   * @param retryAfter for a BUSY outcome, how long the endpoint asked not to be called; else null
   */
  void complete(EndpointState state, long startNanos, int leaseBits, Outcome outcome, Throwable error,
      Duration retryAfter) {
    long now = ticker.read();
    long rtt = Math.max(0, now - startNanos);
    if (retryAfter != null && retryAfter.compareTo(Duration.ZERO) > 0) {
      // before the slot is freed, so no waiter is handed a slot on the endpoint that asked for a pause
      Duration capped = retryAfter.compareTo(config.maxRetryAfter()) > 0 ? config.maxRetryAfter() : retryAfter;
      members.coolDown(state, now, now + capped.toNanos());
    }
    if (fleet != null) {
      fleet.released(state);
    }
    int remaining = state.release(now);
    CircuitBreaker breaker = state.breakerEnabled() && (leaseBits & Lease.NO_PERMIT) == 0
        ? state.circuitBreaker() : null;
    OutlierDetection od = config.outlierDetection();
    switch (outcome) {
      case SUCCESS, CLIENT_ERROR -> {
        state.observeSuccess(now, rtt);
        if (breaker != null) {
          breaker.onSuccess(rtt, TimeUnit.NANOSECONDS);
        }
        if (od.enabled()) {
          state.ejection.recordSuccess(now, od);
        }
      }
      case FAILURE -> {
        state.observeFailure(now, rtt);
        if (breaker != null) {
          breaker.onError(rtt, TimeUnit.NANOSECONDS, error);
        }
        if (od.enabled() && state.ejection.recordFailure(now, od)) {
          members.tryEject(state, now);
        }
      }
      case BUSY, CANCELLED -> {
        if (breaker != null) {
          breaker.releasePermission();
        }
      }
    }
    if (breaker != null) {
      members.breakerMayHaveChanged(state);
    }
    metrics.completed(state, outcome, rtt);
    if (remaining == 0 && state.isDraining()) {
      members.drained(state);
    }
    admission.dispatch();
  }

  /** A lease was held past the leak detection threshold, or became unreachable without being ended. */
  void leaked(EndpointState state) {
    metrics.leaked(state);
  }

  void probeResult(EndpointState state, boolean healthy) {
    members.probeResult(state, healthy);
    if (healthy) {
      admission.dispatch();
    }
  }

  private PoolExhaustedException exhausted(SpillReason reason, String detail, long waitedNanos) {
    return new PoolExhaustedException(name, reason, detail, Duration.ofNanos(waitedNanos), admission.size(), loads());
  }

  private EndpointState member(String id) {
    return members.get(id).orElseThrow(() -> new IllegalArgumentException(
        "pool '" + name + "' has no endpoint '" + id + "'"));
  }

  private void checkOpen() {
    if (closed) {
      throw closedException();
    }
  }

  private HeadroomException closedException() {
    return new HeadroomException("pool '" + name + "' is closed");
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new HeadroomException(cause.toString(), cause);
  }
}
