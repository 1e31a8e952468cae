package dev.headroom.core;

import dev.headroom.core.time.Scheduler;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool's endpoints and the snapshot built from them. Every change of membership or health goes through here,
 * under one lock, and publishes a new {@link Snapshot}; the pick path only reads the published snapshot.
 */
final class Membership {

  private final PoolConfig config;
  private final PoolMetrics metrics;
  private final Object lock = new Object();
  private final Map<String, EndpointState> members = new LinkedHashMap<>();
  private final Map<EndpointState, CompletableFuture<Void>> drains = new LinkedHashMap<>();
  private final CircuitBreakerConfig breakerConfig;
  private volatile Snapshot snapshot = new Snapshot(new EndpointState[0], 0, Long.MAX_VALUE);
  private Scheduler.Cancellable refresh;
  private long refreshAt = Long.MAX_VALUE;
  private final Runnable onExpiry;
  /** Endpoints (members or not) whose in-flight count is at their limit right now. */
  private final AtomicInteger atLimit = new AtomicInteger();
  /** Whether the last snapshot was built in panic; written under the lock. */
  private volatile boolean panic;

  /**
   * @param onExpiry run (outside the lock) after an ejection or open breaker expired by itself, so that waiting
   *     callers get the capacity that came back
   */
  Membership(PoolConfig config, PoolMetrics metrics, Runnable onExpiry) {
    this.config = config;
    this.metrics = metrics;
    this.onExpiry = onExpiry;
    this.breakerConfig = config.circuitBreaker()
        .map(c -> CircuitBreakerConfig.from(c).clock(config.ticker().asClock()).build())
        .orElse(null);
  }

  /** Whether some endpoint is at its concurrency limit (one volatile read; may lag a racing lease by a moment). */
  boolean anyAtLimit() {
    return atLimit.get() > 0;
  }

  /** The current snapshot, rebuilt first if an ejection or open breaker in it has expired. */
  Snapshot current(long now) {
    Snapshot s = snapshot;
    return now < s.nextChangeAt() ? s : rebuild();
  }

  Snapshot published() {
    return snapshot;
  }

  /**
   * @param joining whether the pool is already running (not one of the endpoints it was built with): then it waits
   *     for its first probe when the pool has probes, and warms up when the pool has a slow start
   * @param drained whether it joins drained (no leases until it is resumed): set before it is published, so that no
   *     snapshot ever shows it eligible
   */
  EndpointState add(Endpoint endpoint, boolean joining, boolean drained) {
    long now = config.ticker().read();
    synchronized (lock) {
      if (members.containsKey(endpoint.id())) {
        throw Checks.in("pool '" + config.name() + "'").invalid("endpoint id", endpoint.id(),
            "must be unique in the pool");
      }
      String breakerName = config.name() + "/" + endpoint.id();
      // without breakers nothing of resilience4j is created (its classes log through SLF4J when they load)
      CircuitBreaker breaker = breakerConfig == null ? null : CircuitBreaker.of(breakerName, breakerConfig);
      // No event consumer on the breaker: with one, resilience4j allocates an event per recorded call. The pool
      // polls the (volatile) state after each call it records instead, see breakerMayHaveChanged.
      EndpointState state = new EndpointState(endpoint, config.latencyHalfLife().toNanos(),
          config.initialLatency().toNanos(), breaker, now, atLimit);
      if (joining && config.healthCheck().isPresent()) {
        state.awaitFirstProbe();
      } else if (joining) {
        config.slowStart().ifPresent(ramp -> state.warmFrom(now, ramp));
      }
      if (drained) {
        state.draining(true);
      }
      members.put(endpoint.id(), state);
      metrics.added(state, s -> s.eligible(config.ticker().read()) ? 1 : 0);
      rebuildLocked(now);
      return state;
    }
  }

  Optional<EndpointState> remove(String id) {
    synchronized (lock) {
      EndpointState state = members.remove(id);
      if (state == null) {
        return Optional.empty();
      }
      state.draining(true);
      metrics.removed(state);
      rebuildLocked(config.ticker().read());
      return Optional.of(state);
    }
  }

  Optional<EndpointState> get(String id) {
    synchronized (lock) {
      return Optional.ofNullable(members.get(id));
    }
  }

  List<EndpointState> all() {
    synchronized (lock) {
      return List.copyOf(members.values());
    }
  }

  int size() {
    synchronized (lock) {
      return members.size();
    }
  }

  /** Marks draining (or not) and returns the future that completes when its last lease ends. */
  CompletableFuture<Void> drain(EndpointState state, boolean draining) {
    synchronized (lock) {
      state.draining(draining);
      CompletableFuture<Void> future;
      if (draining) {
        future = drains.computeIfAbsent(state, s -> new CompletableFuture<>());
      } else {
        future = drains.remove(state);
        if (future != null) {
          future.cancel(false);
        }
        future = CompletableFuture.completedFuture(null);
      }
      rebuildLocked(config.ticker().read());
      if (draining && state.inFlight() == 0) {
        drained(state);
      }
      return future;
    }
  }

  /** Completes the drain future of a draining endpoint whose last lease just ended. */
  void drained(EndpointState state) {
    CompletableFuture<Void> future;
    synchronized (lock) {
      future = state.inFlight() == 0 ? drains.remove(state) : null;
    }
    if (future != null) {
      future.complete(null);
    }
  }

  /** Ejects {@code state} unless that would pass the pool's ejection share. */
  void tryEject(EndpointState state, long now) {
    OutlierDetection od = config.outlierDetection();
    synchronized (lock) {
      if (state.isEjected(now) || members.get(state.id()) != state) {
        return;
      }
      int ejected = 0;
      for (EndpointState member : members.values()) {
        if (member.isEjected(now)) {
          ejected++;
        }
      }
      int allowed = (int) Math.floor(od.maxEjectionShare() * members.size());
      if (ejected + 1 > allowed) {
        Log.LOG.debug("pool '{}': not ejecting '{}': {} of {} already ejected (max share {})",
            config.name(), state.id(), ejected, members.size(), od.maxEjectionShare());
        return;
      }
      long duration = state.ejection.ejected(now, od);
      state.eject(now + duration);
      Log.LOG.warn("pool '{}': ejected endpoint '{}' for {} ms (ejection #{})",
          config.name(), state.id(), duration / 1_000_000, state.ejections());
      metrics.ejected(state, "outlier");
      rebuildLocked(now);
    }
  }

  void probeResult(EndpointState state, boolean healthy) {
    synchronized (lock) {
      if (members.get(state.id()) != state || state.probeDown() == !healthy) {
        return;
      }
      long now = config.ticker().read();
      state.probeDown(!healthy);
      if (state.awaitingFirstProbe()) {
        state.firstProbePassed();
        config.slowStart().ifPresent(ramp -> state.warmFrom(now, ramp));
        Log.LOG.info("pool '{}': endpoint '{}' passed its first health probe{}", config.name(), state.id(),
            config.slowStart().isPresent() ? " and starts its slow start" : "");
      } else {
        Log.LOG.warn("pool '{}': endpoint '{}' is {} by its health probe", config.name(), state.id(),
            healthy ? "UP" : "DOWN");
      }
      rebuildLocked(now);
    }
  }

  Snapshot rebuild() {
    synchronized (lock) {
      return rebuildLocked(config.ticker().read());
    }
  }

  /** Acts on a breaker state the pool has not acted on yet; cheap when nothing changed. */
  void breakerMayHaveChanged(EndpointState state) {
    CircuitBreaker breaker = state.circuitBreaker();
    if (breaker == null || breaker.getState() == state.knownBreakerState()) {
      return;
    }
    long now = config.ticker().read();
    synchronized (lock) {
      CircuitBreaker.State to = breaker.getState();
      CircuitBreaker.State from = state.knownBreakerState();
      if (to == from) {
        return;
      }
      state.knownBreakerState(to, now);
      if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
        long wait = to == CircuitBreaker.State.FORCED_OPEN ? Long.MAX_VALUE / 4
            : breakerConfig.getWaitIntervalFunctionInOpenState().apply(1) * 1_000_000L;
        // + 1 ns: the breaker lets a trial call through once its wait is *over*
        state.breakerOpened(now + wait + 1);
        Log.LOG.warn("pool '{}': circuit breaker of endpoint '{}' opened ({} -> {})", config.name(), state.id(),
            from, to);
        metrics.ejected(state, "breaker");
      } else {
        state.breakerLeftOpen();
        if (from == CircuitBreaker.State.HALF_OPEN && to == CircuitBreaker.State.CLOSED) {
          Log.LOG.info("pool '{}': circuit breaker of endpoint '{}' closed again", config.name(), state.id());
        }
      }
      rebuildLocked(now);
    }
  }

  private Snapshot rebuildLocked(long now) {
    List<EndpointState> eligible = new ArrayList<>(members.size());
    long next = Long.MAX_VALUE;
    int candidates = 0;
    int healthy = 0;
    for (EndpointState state : members.values()) {
      if (state.clearExpiredEjection(now)) {
        Log.LOG.info("pool '{}': endpoint '{}' returns after its ejection", config.name(), state.id());
      }
      if (panicCandidate(state, now)) {
        candidates++;
        if (!state.passivelyOut(now)) {
          healthy++;
        }
      }
      next = Math.min(next, state.nextChangeAfter(now));
    }
    // Envoy's panic threshold: when too few endpoints are free of ejection and open breakers, a pool-wide problem
    // (the client's network, a bad deploy) is more likely than every endpoint being broken: ignore both
    boolean panicNow = candidates > 0 && healthy < config.panicThreshold() * candidates;
    if (panicNow != panic) {
      panic = panicNow;
      if (panicNow) {
        Log.LOG.warn("pool '{}': panic: only {} of {} endpoints are free of ejection and open breakers (threshold {});"
            + " picking among all of them", config.name(), healthy, candidates, config.panicThreshold());
      } else {
        Log.LOG.info("pool '{}': out of panic ({} of {} endpoints healthy)", config.name(), healthy, candidates);
      }
    }
    for (EndpointState state : members.values()) {
      boolean bypass = panicNow && panicCandidate(state, now) && state.breakerOpenAt(now);
      state.breakerBypass(bypass);
      boolean byPanic = !state.eligible(now) && panicNow && panicCandidate(state, now);
      state.admittedByPanic(byPanic);
      if (state.eligible(now) || byPanic) {
        eligible.add(state);
      }
    }
    Snapshot built = new Snapshot(eligible.toArray(new EndpointState[0]), snapshot.version() + 1, next);
    snapshot = built;
    scheduleRefresh(now, next);
    return built;
  }

  /** Whether the panic threshold counts this endpoint: not draining, not down by its probe, not cooling down. */
  private static boolean panicCandidate(EndpointState state, long now) {
    return !state.isDraining() && !state.probeDown() && !state.isCoolingDown(now);
  }

  /** Keeps {@code state} out of picks until {@code until} (a server's Retry-After); not an ejection. */
  void coolDown(EndpointState state, long now, long until) {
    synchronized (lock) {
      state.coolDown(now, until);
      rebuildLocked(now);
    }
  }

  /** Whether the pool is in panic (see {@link PoolConfig#panicThreshold()}). */
  boolean inPanic() {
    return panic;
  }

  /** Makes sure the pool notices an expiry even when no request arrives to notice it. */
  private void scheduleRefresh(long now, long at) {
    if (at == Long.MAX_VALUE || (refresh != null && refreshAt <= at && refreshAt > now)) {
      return;
    }
    if (refresh != null) {
      refresh.cancel();
    }
    refreshAt = at;
    refresh = config.scheduler().schedule(at - now, this::onRefresh);
  }

  private void onRefresh() {
    synchronized (lock) {
      refresh = null;
      refreshAt = Long.MAX_VALUE;
      rebuildLocked(config.ticker().read());
    }
    onExpiry.run();
  }

  void close() {
    synchronized (lock) {
      if (refresh != null) {
        refresh.cancel();
        refresh = null;
      }
    }
  }

  /**
   * The logger, created on first use: SLF4J prints its "no providers" notice when its factory first starts, so an
   * application without a provider sees it only if there is something to log.
   */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(Pool.class);
  }
}
