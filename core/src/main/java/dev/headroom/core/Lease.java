package dev.headroom.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * One reserved slot on one endpoint. Use it in try-with-resources and say how the call went:
 *
 * <pre>{@code
 * try (Lease lease = pool.acquire(Duration.ofMillis(200))) {
 *   Reply reply = client.send(lease.endpoint().uri(), request);
 *   lease.success();
 *   return reply;
 * } catch (IOException e) {
 *   // close() after failure(e) is a no-op; close() alone would record CANCELLED
 *   throw e;
 * }
 * }</pre>
 *
 * <p>The first of {@link #success()}, {@link #failure(Throwable)}, {@link #busy()}, {@link #clientError()} or
 * {@link #close()} ends the lease and returns the slot; later calls do nothing. Completing feeds the latency (from
 * acquisition to completion) and the outcome back into the endpoint's state, the ejector and the breaker.
 */
public final class Lease implements AutoCloseable {
  private static final VarHandle BITS;
  /** Bit of {@link #bits}: the lease has ended. */
  private static final int DONE = 1;
  /** Bit of {@link #bits}: {@link #detach()} was called. */
  private static final int DETACHED = 2;

  static {
    try {
      BITS = MethodHandles.lookup().findVarHandle(Lease.class, "bits", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // 32 bytes with compressed oops: the one allocation per request on the hot path
  private final Pool pool;
  private final EndpointState endpointState;
  private final long startNanos;
  /** {@link #DONE} and {@link #DETACHED} bits, changed by CAS. */
  private volatile int bits;

  Lease(Pool pool, EndpointState endpointState, long startNanos) {
    this.pool = pool;
    this.endpointState = endpointState;
    this.startNanos = startNanos;
  }

  /** The endpoint this lease is on. */
  public Endpoint endpoint() {
    return endpointState.endpoint();
  }

  /** The live state of the endpoint. */
  public EndpointState state() {
    return endpointState;
  }

  /** The name of the pool that granted the lease. */
  public String pool() {
    return pool.name();
  }

  /** The pool ticker's reading when the lease was granted. */
  public long startNanos() {
    return startNanos;
  }

  /** Nanoseconds since the lease was granted, on the pool's ticker. */
  public long elapsedNanos() {
    return pool.ticker().read() - startNanos;
  }

  /** Records a success and returns the slot. */
  public void success() {
    complete(Outcome.SUCCESS, null);
  }

  /** Records a failure of the endpoint and returns the slot. */
  public void failure(Throwable error) {
    complete(Outcome.FAILURE, Objects.requireNonNull(error, "error"));
  }

  /** Records backpressure (the endpoint said it is full) and returns the slot, without penalizing the endpoint. */
  public void busy() {
    complete(Outcome.BUSY, null);
  }

  /** Records a correct refusal of a bad request and returns the slot; the endpoint counts as healthy. */
  public void clientError() {
    complete(Outcome.CLIENT_ERROR, null);
  }

  /** Ends the lease with the given outcome (a failure needs its cause). */
  public void complete(Outcome outcome, Throwable error) {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome == Outcome.FAILURE && error == null) {
      throw new IllegalArgumentException("a FAILURE outcome needs its cause");
    }
    int current = bits;
    while ((current & DONE) == 0) {
      if (BITS.compareAndSet(this, current, current | DONE)) {
        pool.complete(this, outcome, error);
        return;
      }
      current = bits;
    }
  }

  /** Whether the lease has ended. */
  public boolean isDone() {
    return (bits & DONE) != 0;
  }

  /**
   * Tells a {@code Router} that the call's result still uses this lease (a stream being read, say) and that the
   * caller will complete it; the router then neither completes nor cancels it when the call returns.
   */
  public void detach() {
    int current = bits;
    while ((current & DETACHED) == 0 && !BITS.compareAndSet(this, current, current | DETACHED)) {
      current = bits;
    }
  }

  /** Whether {@link #detach()} was called. */
  public boolean isDetached() {
    return (bits & DETACHED) != 0;
  }

  /** Ends the lease as {@link Outcome#CANCELLED} unless it already ended. */
  @Override
  public void close() {
    complete(Outcome.CANCELLED, null);
  }

  @Override
  public String toString() {
    return "Lease{" + pool.name() + "/" + endpointState.id() + (isDone() ? ", done" : "") + '}';
  }
}
