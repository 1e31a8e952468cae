package dev.headroom.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.time.Duration;
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
 *
 * <p>A lease taken through a {@code Router} carries its request's {@link #deadline()}: give each attempt's call
 * {@code lease.deadline().cap(perCallTimeout)} so a retry never overruns the request timeout. Register with
 * {@link #onAbort(Runnable)} what must happen if that deadline passes while the call still runs (close the
 * response stream, cancel a future): the router's watchdog then runs it, and the call's thread is interrupted.
 *
 * <p>A lease that is never ended holds its slot. With {@link PoolConfig.Builder#leakDetectionThreshold} set, the
 * pool logs one warning per lease held longer than that and counts it, and a lease that became unreachable
 * without being ended gives its slot back.
 */
public final class Lease implements AutoCloseable {
  private static final VarHandle BITS;
  /** Bit of {@link #bits}: the lease has ended. */
  private static final int DONE = 1;
  /** Bit of {@link #bits}: {@link #detach()} was called. */
  private static final int DETACHED = 2;
  /** Bit of {@link #bits}: {@link #abort} was called. */
  private static final int ABORTED = 4;
  /** Bit of {@link #bits}: the lease holds no circuit-breaker permission (the pool is in panic, see Membership). */
  static final int NO_PERMIT = 8;
  private static final VarHandle EXTRAS;

  static {
    try {
      BITS = MethodHandles.lookup().findVarHandle(Lease.class, "bits", int.class);
      EXTRAS = MethodHandles.lookup().findVarHandle(Lease.class, "extras", LeaseExtras.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // 40 bytes with compressed oops (12 header + 4 + 4 + 8 + 4 + 4 + 4): the one allocation per request on the hot
  // path. Abort hooks and leak tracking live in LeaseExtras, allocated only when used.
  private final Pool pool;
  private final EndpointState endpointState;
  private final long startNanos;
  /** {@link #DONE}, {@link #DETACHED}, {@link #ABORTED} and {@link #NO_PERMIT} bits, changed by CAS. */
  private volatile int bits;
  /**
   * The request's deadline, null for none; set by the router before it hands the lease to the call (which
   * publishes it), only ever made earlier. Plain and without initializer: no extra store on the hot path.
   */
  private Deadline deadline;
  /** Abort hooks and the leak tracker, or null while neither is used. */
  private volatile LeaseExtras extras;

  Lease(Pool pool, EndpointState endpointState, long startNanos, int bits, LeakTracker tracker) {
    this.pool = pool;
    this.endpointState = endpointState;
    this.startNanos = startNanos;
    if (bits != 0) { // a volatile store only in the rare case that needs one
      this.bits = bits;
    }
    if (tracker != null) {
      this.extras = new LeaseExtras(tracker);
    }
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

  /**
   * Records backpressure with the server's {@code Retry-After}: as {@link #busy()}, and the endpoint is not
   * picked again for {@code retryAfter} (capped by {@link PoolConfig#maxRetryAfter()}, so a hostile
   * {@code Retry-After: 86400} cannot bench a node for a day). A cooldown, not an ejection: it is not a failure.
   */
  public void busy(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (end()) {
      pool.complete(endpointState, startNanos, bits, Outcome.BUSY, null, retryAfter);
    }
    Reference.reachabilityFence(this);
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
    if (end()) {
      pool.complete(endpointState, startNanos, bits, outcome, error, null);
    }
    Reference.reachabilityFence(this); // a leak tracker must not see this lease unreachable before it ended
  }

  /** Sets DONE; true for the one caller that did, which then tells the pool. */
  private boolean end() {
    int current = bits;
    while ((current & DONE) == 0) {
      if (BITS.compareAndSet(this, current, current | DONE)) {
        LeaseExtras x = extras;
        if (x != null && x.tracker != null) {
          x.tracker.ended();
        }
        return true;
      }
      current = bits;
    }
    return false;
  }

  /**
   * The deadline of the request this lease serves: the {@code Router} sets it from {@code RouteOptions.timeout};
   * {@link Deadline#none()} for a lease taken straight from a pool. Give an attempt's call
   * {@code deadline().cap(perCallTimeout)}.
   */
  public Deadline deadline() {
    Deadline d = deadline;
    return d == null ? Deadline.none() : d;
  }

  /**
   * Bounds this lease by {@code requestDeadline}: {@link #deadline()} becomes the earlier of the two. Routers call
   * it before handing the lease to the call; it never extends a deadline.
   */
  public void limitDeadline(Deadline requestDeadline) {
    Objects.requireNonNull(requestDeadline, "requestDeadline");
    Deadline current = deadline;
    if (requestDeadline.isFinite() && (current == null
        || requestDeadline.remainingNanos() < current.remainingNanos())) {
      deadline = requestDeadline;
    }
  }

  /**
   * Registers {@code hook} to run if the request's deadline passes while the call still runs (close the response
   * body stream, cancel a {@code CompletableFuture}). Hooks run once, in the order registered, on the thread that
   * aborts (keep them short and non-blocking: the aborted caller waits for them); one that throws does not stop
   * the others. A hook registered after the abort runs at once. At most 16 hooks per lease.
   *
   * @throws IllegalStateException when the lease already has 16 hooks
   */
  public void onAbort(Runnable hook) {
    Objects.requireNonNull(hook, "hook");
    if (!extras().addHook(hook)) {
      LeaseExtras.run(hook, this);
    }
  }

  /**
   * Aborts the call this lease serves: runs the {@link #onAbort} hooks, then ends the lease as a failure with
   * {@code cause}. The {@code Router}'s watchdog calls it when the request deadline passes during the call. Does
   * nothing when the lease has already ended or been aborted.
   *
   * @return whether this call aborted the lease
   */
  public boolean abort(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    int current = bits;
    while (true) {
      if ((current & (DONE | ABORTED)) != 0) {
        return false;
      }
      if (BITS.compareAndSet(this, current, current | ABORTED)) {
        break;
      }
      current = bits;
    }
    LeaseExtras x = extras;
    if (x != null) {
      x.abort(this);
    }
    failure(cause);
    return true;
  }

  /** Whether {@link #abort} ended this lease. */
  public boolean isAborted() {
    return (bits & ABORTED) != 0;
  }

  private LeaseExtras extras() {
    LeaseExtras x = extras;
    if (x == null) {
      x = new LeaseExtras(null);
      if (!EXTRAS.compareAndSet(this, null, x)) {
        x = extras;
      }
    }
    if ((bits & ABORTED) != 0) {
      x.abort(this); // aborted before these extras existed: hooks added from now on run at once
    }
    return x;
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
