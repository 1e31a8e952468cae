package dev.headroom.core;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live numbers of one endpoint in one pool: leases in flight, a peak-EWMA latency, a failure EWMA, its health
 * and its resilience4j {@link CircuitBreaker}. Pickers read it; only the pool changes it.
 *
 * <p>Reads are lock-free and cheap enough for the pick path (a few volatile reads and one {@code exp}).
 */
public final class EndpointState {
  private static final double MIN_LATENCY_NANOS = 1.0;

  private final Endpoint endpoint;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Ewma ewma;
  private final CircuitBreaker breaker;
  private final boolean breakerEnabled;
  private volatile CircuitBreaker.State knownBreakerState;
  final EjectionTracker ejection;

  private volatile boolean draining;
  private volatile boolean probeDown;
  private volatile long ejectedUntil;
  private volatile boolean ejected;
  private volatile long breakerRetryAt;
  private volatile boolean breakerOpen;

  EndpointState(Endpoint endpoint, long halfLifeNanos, long initialLatencyNanos, CircuitBreaker breaker,
      boolean breakerEnabled, long now) {
    this.endpoint = endpoint;
    this.ewma = new Ewma(halfLifeNanos, initialLatencyNanos, now);
    this.breaker = breaker;
    this.breakerEnabled = breakerEnabled;
    this.knownBreakerState = breaker.getState();
    this.ejection = new EjectionTracker(now);
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

  /** Whether another lease would fit under the concurrency limit right now. */
  public boolean hasCapacity() {
    return inFlight.get() < endpoint.maxConcurrency();
  }

  /** The peak-EWMA latency in nanoseconds at {@code now}, never below 1 ns. */
  public double latencyNanos(long now) {
    return Math.max(MIN_LATENCY_NANOS, ewma.rawLatency() * ewma.decay(now));
  }

  /** The failure EWMA at {@code now}: 0 when recent calls succeeded, towards 1 when they failed. */
  public double failureRate(long now) {
    return ewma.rawFailure() * ewma.decay(now);
  }

  /**
   * The default picker's cost, {@code (inFlight + 1) × latency × (1 + 4 × failureRate) / weight}, with one
   * {@code exp}. The failure term keeps an endpoint that fails fast from looking attractive just because its
   * errors come back quickly.
   */
  public double peakEwmaCost(long now) {
    double decay = ewma.decay(now);
    double latency = Math.max(MIN_LATENCY_NANOS, ewma.rawLatency() * decay);
    return (inFlight.get() + 1) * latency * (1 + 4 * ewma.rawFailure() * decay) / endpoint.weight();
  }

  /** Whether the endpoint accepts no new leases because it is draining. */
  public boolean isDraining() {
    return draining;
  }

  /**
   * The endpoint's circuit breaker (read its state and metrics; the pool records the calls). When the pool has no
   * breaker configured this is a breaker in the DISABLED state that the pool never calls.
   */
  public CircuitBreaker circuitBreaker() {
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

  /** A point-in-time view for reports. */
  public EndpointLoad load(long now) {
    return new EndpointLoad(id(), inFlight(), limit(), health(now), draining);
  }

  @Override
  public String toString() {
    return "EndpointState{" + id() + ", inFlight=" + inFlight() + "/" + limit() + '}';
  }

  // ---- changed only by the pool ----

  boolean eligible(long now) {
    return !draining && health(now) == Health.UP;
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
    return next;
  }

  boolean tryReserve() {
    int limit = endpoint.maxConcurrency();
    while (true) {
      int current = inFlight.get();
      if (current >= limit) {
        return false;
      }
      if (inFlight.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  int release() {
    return inFlight.decrementAndGet();
  }

  void observeSuccess(long now, long rttNanos) {
    ewma.observe(now, rttNanos, false);
  }

  void observeFailure(long now, long rttNanos) {
    ewma.observe(now, rttNanos, true);
  }

  boolean breakerEnabled() {
    return breakerEnabled;
  }

  /** The breaker state this pool last acted on. */
  CircuitBreaker.State knownBreakerState() {
    return knownBreakerState;
  }

  void knownBreakerState(CircuitBreaker.State state) {
    knownBreakerState = state;
  }

  void draining(boolean value) {
    draining = value;
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
