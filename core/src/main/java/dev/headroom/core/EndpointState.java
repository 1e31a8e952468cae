package dev.headroom.core;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live numbers of one endpoint in one pool: leases in flight, a peak-EWMA latency, a failure EWMA, its health
 * and a view of its circuit breaker ({@link #breaker()}). Pickers read it; only the pool changes it.
 *
 * <p>Reads are lock-free and cheap enough for the pick path (a few volatile reads and one {@code exp}).
 */
public final class EndpointState {
  private static final double MIN_LATENCY_NANOS = 1.0;

  private final Endpoint endpoint;
  private final AtomicInteger inFlight = new AtomicInteger();
  /** The pool's count of endpoints at their limit; changed only when this one reaches or leaves its limit. */
  private final AtomicInteger poolAtLimit;
  /**
   * When it last went from idle to busy, or last saw a call end while others stayed in flight: every call in flight
   * then is still in flight (none ended since), so the oldest one is at least {@code now - quietSince} old.
   */
  private volatile long quietSince;
  private final Ewma ewma;
  /** The resilience4j breaker; null when the pool has none (then nothing of resilience4j is created). */
  private final CircuitBreaker breaker;
  private volatile CircuitBreaker.State knownBreakerState;
  /** When the pool saw the breaker enter {@link #knownBreakerState} (ticker time). */
  private volatile long breakerSince;
  final EjectionTracker ejection;
  /** Its meters while it is a member of a pool with a registry, else null; see {@link PoolMetrics}. */
  volatile PoolMetrics.EndpointMeters meters;

  private volatile boolean draining;
  private volatile boolean probeDown;
  private volatile long ejectedUntil;
  private volatile boolean ejected;
  private volatile long breakerRetryAt;
  private volatile boolean breakerOpen;
  /** Set while the pool is in panic and this endpoint's open breaker is ignored (see Membership). */
  private volatile boolean breakerBypass;
  /** Whether the current snapshot holds this endpoint only because its pool is in panic; written under the lock. */
  private volatile boolean admittedByPanic;
  private volatile long cooldownUntil;
  private volatile boolean coolingDown;
  /** The other replicas' in-flight on this endpoint, from the pool's last fleet view (0 alone). */
  private volatile int remoteInFlight;
  /** How many leases this replica may hold: the limit, less what other replicas hold (see Pool's fleet view). */
  private volatile int localLimit;
  /**
   * The other replicas' mean latency for this endpoint in nanoseconds, from the pool's last fleet view (0: none).
   * This replica's own estimate decays towards it, not towards zero, between its own calls.
   */
  private volatile double fleetLatency;
  /** Set when the fleet refused a global permit; cleared by the pool's next permit retry. */
  private volatile boolean fleetFull;
  /** The ramp of a warming endpoint; set before {@link #warmingUntil}, read after it. */
  private volatile SlowStart slowStart;
  private volatile long warmingSince;
  /** When its slow start ends (ticker time); {@code Long.MIN_VALUE} when it never warms. */
  private volatile long warmingUntil = Long.MIN_VALUE;
  /** Joined a running pool with probes and has not passed its first probe yet. */
  private volatile boolean awaitingFirstProbe;

  /** @param breaker the endpoint's breaker, or null when the pool has none */
  EndpointState(Endpoint endpoint, long halfLifeNanos, long initialLatencyNanos, CircuitBreaker breaker, long now,
      AtomicInteger poolAtLimit) {
    this.endpoint = endpoint;
    this.poolAtLimit = poolAtLimit;
    this.ewma = new Ewma(halfLifeNanos, initialLatencyNanos, now);
    this.breaker = breaker;
    this.knownBreakerState = breaker == null ? CircuitBreaker.State.DISABLED : breaker.getState();
    this.breakerSince = now;
    this.ejection = new EjectionTracker(now);
    this.localLimit = endpoint.maxConcurrency();
  }

  /** The endpoint this state describes. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** Shorthand for {@code endpoint().id()}. */
  public String id() {
    return endpoint.id();
  }

  /** Leases currently held on this endpoint. */
  public int inFlight() {
    return inFlight.get();
  }

  /** The concurrency limit, {@code endpoint().maxConcurrency()}. */
  public int limit() {
    return endpoint.maxConcurrency();
  }

  /**
   * The other replicas' in-flight on this endpoint, as last published to this pool's fleet coordinator (0 when the
   * pool has none).
   */
  public int remoteInFlight() {
    return remoteInFlight;
  }

  /** Leases in flight on this endpoint across the fleet as this replica knows it: its own plus the others'. */
  public int fleetInFlight() {
    return inFlight.get() + remoteInFlight;
  }

  /**
   * Whether another lease would fit right now: under the concurrency limit (less what other replicas hold, when
   * the pool shares its load), and not refused a global permit since the pool's last retry.
   */
  public boolean hasCapacity() {
    return inFlight.get() < localLimit && !fleetFull;
  }

  /**
   * The peak-EWMA latency in nanoseconds at {@code now}, never below 1 ns, and never below the age that the oldest
   * call in flight has at least reached: an endpoint whose calls have been out for 3 s is at least that slow, even
   * if its average decayed while nobody used it (otherwise every return from idleness would send it a burst of
   * calls before the first reply could say how slow it is).
   */
  public double latencyNanos(long now) {
    return latency(now, ewma.rawLatency(), ewma.decay(now));
  }

  /**
   * The mean latency in nanoseconds at {@code now} (a plain EWMA, decayed like {@link #latencyNanos}, and never below
   * the age of the oldest call in flight): what predictions of waiting time use.
   */
  public double meanLatencyNanos(long now) {
    return latency(now, ewma.rawMean(), ewma.decay(now));
  }

  private double latency(long now, double raw, double decay) {
    double fleet = fleetLatency;
    double latency = Math.max(MIN_LATENCY_NANOS, fleet > 0 ? raw * decay + fleet * (1 - decay) : raw * decay);
    if (inFlight.get() > 0) {
      latency = Math.max(latency, now - quietSince);
    }
    return latency;
  }

  /** The failure EWMA at {@code now}: 0 when recent calls succeeded, towards 1 when they failed. */
  public double failureRate(long now) {
    return ewma.rawFailure() * ewma.decay(now);
  }

  /**
   * The default picker's cost: the expected delay of one more call,
   * {@code (1 + inFlight / limit) × meanLatency × (1 + 4 × failureRate) / weight}, with at most one {@code exp}
   * ({@code meanLatency} as {@link #meanLatencyNanos}). Why this form and why the mean: see
   * {@link dev.headroom.core.pick}.
   */
  public double expectedDelayCost(long now) {
    return cost(now, ewma.rawMean());
  }

  /**
   * Finagle's and Linkerd's cost on the peak EWMA: as {@link #expectedDelayCost} with {@link #latencyNanos} (the
   * peak, which jumps to any slower reply) in place of the mean.
   */
  public double peakEwmaCost(long now) {
    return cost(now, ewma.rawLatency());
  }

  private double cost(long now, double rawLatency) {
    double decay = ewma.decay(now);
    double latency = latency(now, rawLatency, decay);
    double load = 1 + (double) (inFlight.get() + remoteInFlight) / endpoint.maxConcurrency();
    return load * latency * (1 + 4 * ewma.rawFailure() * decay) / endpoint.weight();
  }

  /** Whether the endpoint accepts no new leases because it is draining. */
  public boolean isDraining() {
    return draining;
  }

  /**
   * The share of its weight this endpoint has at {@code now}, in (0, 1]: 1 unless it is in its slow start (see
   * {@link SlowStart}), where it ramps from the pool's {@code minWeight} to 1 over the window. The pool applies it
   * to every pick (whatever the picker or cost function); pickers need not read it.
   */
  public double slowStartFactor(long now) {
    long until = warmingUntil;
    if (now >= until) {
      return 1.0;
    }
    return slowStart.factor(now - warmingSince);
  }

  /**
   * Whether the endpoint joined a running pool and has not reached its full share at {@code now}: it is waiting
   * for its first health probe to pass (it is {@link Health#DOWN} until then), or it is within its slow start.
   */
  public boolean isWarming(long now) {
    return awaitingFirstProbe || now < warmingUntil;
  }

  /**
   * A view of the endpoint's circuit breaker now: its state, failure rate and since when. The pool records the
   * calls on the breaker itself; {@link BreakerState.State#DISABLED} when the pool has no breakers.
   */
  public BreakerState breaker() {
    if (breaker == null) {
      return new BreakerState(BreakerState.State.DISABLED, Double.NaN, breakerSince);
    }
    BreakerState.State state = switch (breaker.getState()) {
      case OPEN, FORCED_OPEN -> BreakerState.State.OPEN;
      case HALF_OPEN -> BreakerState.State.HALF_OPEN;
      case DISABLED -> BreakerState.State.DISABLED;
      default -> BreakerState.State.CLOSED; // CLOSED, METRICS_ONLY
    };
    float rate = breaker.getMetrics().getFailureRate();
    return new BreakerState(state, rate < 0 ? Double.NaN : rate / 100.0, breakerSince);
  }

  /** The resilience4j breaker the pool records calls on; null when the pool has none. */
  CircuitBreaker circuitBreaker() {
    return breaker;
  }

  /** How many times outlier detection has ejected this endpoint. */
  public int ejections() {
    return ejection.ejections();
  }

  /** The health at {@code now}. */
  public Health health(long now) {
    if (probeDown) {
      return Health.DOWN;
    }
    if ((ejected && now < ejectedUntil) || (breakerOpen && now < breakerRetryAt)) {
      return Health.EJECTED;
    }
    return Health.UP;
  }

  /**
   * Whether the endpoint is sitting out a server-given {@code Retry-After} at {@code now} (see
   * {@link Lease#busy(java.time.Duration)}): not picked, but not unhealthy either.
   */
  public boolean isCoolingDown(long now) {
    return coolingDown && now < cooldownUntil;
  }

  /** A point-in-time view for reports. */
  public EndpointLoad load(long now) {
    return new EndpointLoad(id(), inFlight(), limit(), health(now), draining, isWarming(now));
  }

  @Override
  public String toString() {
    return "EndpointState{" + id() + ", inFlight=" + inFlight() + "/" + limit() + '}';
  }

  // ---- changed only by the pool ----

  boolean eligible(long now) {
    return !draining && health(now) == Health.UP && !isCoolingDown(now);
  }

  /** Whether ejection or an open breaker keeps it out at {@code now} (what the panic threshold counts). */
  boolean passivelyOut(long now) {
    return (ejected && now < ejectedUntil) || breakerOpenAt(now);
  }

  boolean breakerOpenAt(long now) {
    return breakerOpen && now < breakerRetryAt;
  }

  /** Whether a lease may skip the open breaker because the pool is in panic. */
  boolean breakerBypassed(long now) {
    return breakerBypass && breakerOpenAt(now);
  }

  void breakerBypass(boolean value) {
    breakerBypass = value;
  }

  /**
   * Whether the endpoint is eligible only because its pool is in panic (see {@link PoolConfig#panicThreshold()}):
   * it is ejected or its breaker is open, and the pool picks among all its endpoints anyway.
   */
  boolean admittedByPanic() {
    return admittedByPanic;
  }

  void admittedByPanic(boolean value) {
    admittedByPanic = value;
  }

  /** Keeps it out of picks until {@code until} (the later of this and any cooldown already running). */
  void coolDown(long now, long until) {
    if (!isCoolingDown(now) || until > cooldownUntil) {
      cooldownUntil = until;
      coolingDown = true;
    }
  }

  /** The earliest time after {@code now} at which this endpoint's eligibility changes by itself. */
  long nextChangeAfter(long now) {
    long next = Long.MAX_VALUE;
    if (ejected && ejectedUntil > now) {
      next = ejectedUntil;
    }
    if (breakerOpen && breakerRetryAt > now) {
      next = Math.min(next, breakerRetryAt);
    }
    if (coolingDown && cooldownUntil > now) {
      next = Math.min(next, cooldownUntil);
    }
    if (now < warmingUntil) { // its slow-start limit rises: waiting callers may fit
      next = Math.min(next, nextRampStep(now));
    }
    return next;
  }

  /** When its slow-start limit next rises (or its slow start ends), after {@code now}. */
  private long nextRampStep(long now) {
    long until = warmingUntil;
    int limit = endpoint.maxConcurrency();
    int current = slowStartLimit(now);
    if (current >= limit) {
      return until;
    }
    // the ramp (t / window)^(1 / aggression) passes current / limit at t = window × (current / limit)^aggression
    SlowStart ramp = slowStart;
    double share = (double) current / limit;
    long at = warmingSince + (long) Math.ceil(ramp.window().toNanos() * Math.pow(share, ramp.aggression())) + 1;
    if (at <= now) {
      at = now + 1_000_000; // rounding: look again in a millisecond
    }
    return Math.min(at, until);
  }

  boolean tryReserve(long now) {
    int limit = endpoint.maxConcurrency();
    while (true) {
      int current = inFlight.get();
      if (current >= limit || current >= localLimit) {
        return false;
      }
      if (inFlight.compareAndSet(current, current + 1)) {
        if (current == 0) {
          quietSince = now;
        }
        if (current + 1 == limit) {
          poolAtLimit.incrementAndGet();
        }
        return true;
      }
    }
  }

  int release(long now) {
    int remaining = inFlight.decrementAndGet();
    if (remaining > 0) {
      quietSince = now;
    }
    if (remaining == endpoint.maxConcurrency() - 1) {
      poolAtLimit.decrementAndGet();
    }
    return remaining;
  }

  void observeSuccess(long now, long rttNanos) {
    ewma.observe(now, rttNanos, false);
  }

  void observeFailure(long now, long rttNanos) {
    ewma.observe(now, rttNanos, true);
  }

  boolean breakerEnabled() {
    return breaker != null;
  }

  /** The breaker state this pool last acted on. */
  CircuitBreaker.State knownBreakerState() {
    return knownBreakerState;
  }

  void knownBreakerState(CircuitBreaker.State state, long now) {
    knownBreakerState = state;
    breakerSince = now;
  }

  /** Takes the fleet's numbers for this endpoint: the others' in-flight and this replica's share of the limit. */
  void fleet(int remote, int limitHere) {
    remoteInFlight = remote;
    localLimit = Math.max(1, Math.min(endpoint.maxConcurrency(), limitHere));
  }

  void fleetLatency(double nanos) {
    fleetLatency = nanos;
  }

  void fleetFull(boolean value) {
    fleetFull = value;
  }

  boolean fleetFull() {
    return fleetFull;
  }

  void draining(boolean value) {
    draining = value;
  }

  /** Starts its slow start at {@code now}. */
  void warmFrom(long now, SlowStart ramp) {
    slowStart = ramp;
    warmingSince = now;
    warmingUntil = now + ramp.window().toNanos(); // last: a reader that sees it sees the other two
  }

  /** When its slow start ends; {@code Long.MIN_VALUE} when it has none. */
  long warmingUntil() {
    return warmingUntil;
  }

  /** Whether it is in its slow start at {@code now} (eligible, ramping up). */
  boolean rampingAt(long now) {
    return now < warmingUntil;
  }

  /** The most leases it may hold at {@code now} while ramping up: {@code ceil(factor × limit)}, at least 1. */
  int slowStartLimit(long now) {
    return Math.max(1, (int) Math.ceil(slowStartFactor(now) * endpoint.maxConcurrency()));
  }

  /** Keeps it out (down by its probe) until its first probe passes. */
  void awaitFirstProbe() {
    awaitingFirstProbe = true;
    probeDown = true;
  }

  boolean awaitingFirstProbe() {
    return awaitingFirstProbe;
  }

  /** Its first probe passed. */
  void firstProbePassed() {
    awaitingFirstProbe = false;
  }

  void probeDown(boolean value) {
    probeDown = value;
  }

  boolean probeDown() {
    return probeDown;
  }

  void eject(long until) {
    ejectedUntil = until;
    ejected = true;
  }

  boolean isEjected(long now) {
    return ejected && now < ejectedUntil;
  }

  /** Clears an expired ejection; returns whether there was one. */
  boolean clearExpiredEjection(long now) {
    if (ejected && now >= ejectedUntil) {
      ejected = false;
      ejection.returned(now);
      return true;
    }
    return false;
  }

  void breakerOpened(long retryAt) {
    breakerRetryAt = retryAt;
    breakerOpen = true;
  }

  void breakerLeftOpen() {
    breakerOpen = false;
  }
}
