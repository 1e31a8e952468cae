package dev.headroom.core.route;

import dev.headroom.core.Checks;
import dev.headroom.core.HeadroomException;
import dev.headroom.core.Lease;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.Pool;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Ordered tiers with spillover and budgeted retries: a request takes a free slot in the first tier that has one,
 * waits in a tier's queue only while the predicted wait fits that tier's budget, and moves on with a
 * {@link dev.headroom.core.SpillReason} when it does not, when no endpoint is eligible, or when a call failed in a
 * way that may be retried. Retries go first to another endpoint of the same tier, and are limited per request
 * ({@code maxAttempts}) and across requests (the {@link RetryBudget}).
 *
 * <pre>{@code
 * Router router = Router.builder("chat")
 *     .tier("local", ollamaPool, Duration.ofMillis(300))
 *     .tier("cloud", cloudPool, Duration.ZERO)
 *     .build();
 * String answer = router.execute(RouteOptions.defaults(), lease -> client.chat(lease.endpoint(), prompt));
 * }</pre>
 *
 * <p>One pool on its own is one line: {@code Router.of(pool)} (or {@code Router.builder("x").pool(pool)}) waits
 * in the pool's queue for as long as the request timeout allows, as {@code pool.acquire} would, with none of the
 * spill-early behaviour of a tier that has somewhere to spill (see {@link Tier#waiting(Pool, Duration)}).
 *
 * <p>When no tier can serve, {@link #execute} throws a {@link NoCapacityException} listing every tier tried and
 * why it was passed. {@link #close()} closes the tiers' pools. Thread-safe.
 *
 * <p>{@link RouteOptions#timeout()} bounds the whole request, the calls included: each lease carries the
 * request's {@link Lease#deadline()}, and a watchdog on the router's {@link Scheduler} fires at the deadline while
 * a call still runs. It runs the lease's {@link Lease#onAbort abort hooks}, interrupts the calling thread
 * ({@link #execute}; the interrupt is cleared again before it returns) or cancels the call's stage
 * ({@link #executeAsync}), ends the lease as a failure, and the caller gets a
 * {@link dev.headroom.core.RequestTimeoutException}. Requests without a timeout schedule nothing.
 */
public final class Router implements AutoCloseable {
  private final String name;
  private final List<Tier> tiers;
  private final RetryBudget retryBudget;
  private final int maxAttempts;
  private final FailureClassifier classifier;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final RouterMetrics metrics;
  private final ObservationRegistry observations;
  private volatile boolean closed;

  private Router(Builder b) {
    this.name = b.name;
    this.tiers = List.copyOf(b.tiers);
    this.ticker = b.ticker != null ? b.ticker : tiers.get(0).pool().ticker();
    this.scheduler = b.scheduler != null ? b.scheduler : tiers.get(0).pool().config().scheduler();
    this.retryBudget = b.retryBudget != null ? b.retryBudget : RetryBudget.defaults(ticker);
    this.maxAttempts = b.maxAttempts;
    this.classifier = b.classifier;
    this.metrics = new RouterMetrics(b.meterRegistry, name, tiers.stream().map(Tier::name).toList());
    this.observations = b.observationRegistry;
  }

  /**
   * A router over one pool, named after it: a request waits in the pool's queue until a slot frees or its
   * {@link RouteOptions#timeout() timeout} passes (without a timeout, until a slot frees), whatever the predicted
   * wait, since there is no other tier to spill to. Retries and the retry budget are the defaults.
   */
  public static Router of(Pool pool) {
    Objects.requireNonNull(pool, "pool");
    return builder(pool.name()).pool(pool).build();
  }

  /** A builder for a router named {@code name} (a metric tag). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Runs {@code call} with {@link RouteOptions#defaults()}. */
  public <T> T execute(Call<T> call) {
    return execute(RouteOptions.defaults(), call);
  }

  /**
   * Runs {@code call} on an endpoint chosen through the tiers, retrying as the options and budgets allow.
   *
   * @return the call's result
   * @throws NoCapacityException when no tier could serve (each tier tried, and why, is listed); a
   *     {@link dev.headroom.core.RequestTimeoutException} when the request timeout passed, during a call or not
   * @throws RuntimeException the call's own exception when it is not retryable (a checked one wrapped in a
   *     {@link dev.headroom.core.BackendException})
   */
  public <T> T execute(RouteOptions options, Call<T> call) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(call, "call");
    checkOpen();
    retryBudget.deposit();
    Route route = new Route(this, options);
    T result;
    try {
      result = run(route, call);
    } catch (RuntimeException | Error e) {
      route.observation().ended(e);
      throw e;
    }
    route.observation().ended(null);
    return result;
  }

  private <T> T run(Route route, Call<T> call) {
    boolean timed = route.deadline().isFinite();
    while (true) {
      Lease lease = route.nextLease();
      // the watchdog exists only for requests with a timeout: without one this path allocates nothing more
      Watchdog watchdog = timed ? Watchdog.blocking(route, lease, scheduler) : null;
      T result;
      try (Observation.Scope scope = route.observation().openScope()) {
        result = call.call(lease);
      } catch (Throwable failure) {
        if (watchdog != null && !watchdog.finish()) {
          throw watchdog.timedOut(failure);
        }
        if (failure instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        route.onFailure(lease, failure);
        continue;
      }
      if (watchdog != null && !watchdog.finish()) {
        throw watchdog.timedOut(null); // it returned, but only after the deadline had aborted it
      }
      if (!lease.isDetached()) {
        lease.success();
      }
      return result;
    }
  }

  /**
   * The non-blocking form of {@link #execute(RouteOptions, Call)}: the same tiers, waits and retries. With a
   * timeout, the future completes with a {@link dev.headroom.core.RequestTimeoutException} at the deadline even
   * if the call's stage never completes (the stage is then cancelled).
   */
  public <T> CompletableFuture<T> executeAsync(RouteOptions options, AsyncCall<T> call) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(call, "call");
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    retryBudget.deposit();
    CompletableFuture<T> result = new CompletableFuture<>();
    Route route = new Route(this, options);
    result.whenComplete((value, error) -> route.observation().ended(
        error == null ? null : FailureClassifier.unwrap(error)));
    attempt(route, call, result);
    return result;
  }

  private <T> void attempt(Route route, AsyncCall<T> call, CompletableFuture<T> result) {
    route.nextLeaseAsync().whenComplete((lease, leaseError) -> {
      if (leaseError != null) {
        result.completeExceptionally(FailureClassifier.unwrap(leaseError));
        return;
      }
      Watchdog watchdog = route.deadline().isFinite() ? Watchdog.async(route, lease, result, scheduler) : null;
      CompletionStage<T> stage;
      try {
        stage = Objects.requireNonNull(call.call(lease), "AsyncCall returned null");
      } catch (Throwable t) {
        stage = CompletableFuture.failedFuture(t);
      }
      if (watchdog != null) {
        watchdog.stage(stage);
      }
      stage.whenComplete((value, failure) -> {
        if (watchdog != null && !watchdog.finish()) {
          return; // the deadline passed first: the watchdog has completed the request
        }
        if (failure == null) {
          if (!lease.isDetached()) {
            lease.success();
          }
          result.complete(value);
          return;
        }
        try {
          route.onFailure(lease, failure);
        } catch (Throwable refused) {
          result.completeExceptionally(refused);
          return;
        }
        attempt(route, call, result);
      });
    });
  }

  /** Where this router's observations go ({@code ObservationRegistry.NOOP} when none). */
  ObservationRegistry observations() {
    return observations;
  }

  /** The router name. */
  public String name() {
    return name;
  }

  /** The tiers, in order. */
  public List<Tier> tiers() {
    return tiers;
  }

  /** The shared retry budget. */
  public RetryBudget retryBudget() {
    return retryBudget;
  }

  /** The most calls one request may make (first try included). */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Closes the pool of every tier (each once, in tier order): their probes stop, their waiting callers fail and
   * their meters are removed; later requests through this router fail with a {@link HeadroomException}. Calls in
   * flight finish. A pool that is shared with another router or used on its own is closed too, so close the
   * router that owns the pools. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    Set<Pool> done = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tier tier : tiers) {
      if (done.add(tier.pool())) {
        tier.pool().close();
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw closedException();
    }
  }

  private HeadroomException closedException() {
    return new HeadroomException("router '" + name + "' is closed");
  }

  FailureClassifier classifier() {
    return classifier;
  }

  Ticker ticker() {
    return ticker;
  }

  RouterMetrics metrics() {
    return metrics;
  }

  @Override
  public String toString() {
    return "Router{" + name + ", tiers=" + tiers.stream().map(Tier::name).toList() + ", maxAttempts="
        + maxAttempts + '}';
  }

  /** Builds a {@link Router}. */
  public static final class Builder {
    private final String name;
    private final List<Tier> tiers = new ArrayList<>();
    private RetryBudget retryBudget;
    private int maxAttempts = 3;
    private FailureClassifier classifier = FailureClassifier.defaults();
    private Ticker ticker;
    private Scheduler scheduler;
    private MeterRegistry meterRegistry;
    private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

    private Builder(String name) {
      this.name = name;
    }

    /** Appends a tier. */
    public Builder tier(Tier tier) {
      tiers.add(Objects.requireNonNull(tier, "tier"));
      return this;
    }

    /** Appends a tier. */
    public Builder tier(String tierName, Pool pool, Duration waitBudget) {
      return tier(new Tier(tierName, pool, waitBudget));
    }

    /**
     * Appends {@code pool} as a tier with nowhere to spill: {@link Tier#waiting(Pool, Duration)} with no wait bound
     * of its own, so a request waits in the pool's queue as long as its timeout allows. Meant as the only (or
     * last) tier.
     */
    public Builder pool(Pool pool) {
      return tier(Tier.waiting(Objects.requireNonNull(pool, "pool"), Tier.UNTIL_TIMEOUT));
    }

    /** The retry budget; default {@link RetryBudget#defaults} on the router's ticker. */
    public Builder retryBudget(RetryBudget value) {
      this.retryBudget = Objects.requireNonNull(value, "retryBudget");
      return this;
    }

    /** The most calls per request, first try included; default 3. */
    public Builder maxAttempts(int value) {
      this.maxAttempts = value;
      return this;
    }

    /** How failures are classified; default {@link FailureClassifier#defaults()}. */
    public Builder classifier(FailureClassifier value) {
      this.classifier = Objects.requireNonNull(value, "classifier");
      return this;
    }

    /** The time source for request timeouts; default the first tier's pool ticker. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /**
     * Runs the request-timeout watchdogs; default the first tier's pool scheduler. It must run on the same time
     * as the router's ticker.
     */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** Ticker and scheduler in one, e.g. {@link dev.headroom.core.time.VirtualTime}. */
    public <T extends Ticker & Scheduler> Builder clock(T time) {
      return ticker(time).scheduler(time);
    }

    /** Where spillover and retry counters go. */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /**
     * Records a Micrometer {@code Observation} per request ({@code headroom.route}) and per attempt
     * ({@code headroom.route.attempt}, its child), with the router, tier, endpoint, attempt number, outcome and spill
     * reason, so that a trace shows why a request went where it went; each spill is an event on the request. The
     * attempt is the current observation while the call runs (an instrumented HTTP client's span nests under it).
     * None by default, which costs nothing.
     */
    public Builder observationRegistry(ObservationRegistry value) {
      this.observationRegistry = Objects.requireNonNull(value, "observationRegistry");
      return this;
    }

    /** Validates and builds. */
    public Router build() {
      Checks.plain().nonBlank("router name", name);
      Checks checks = Checks.in("router '" + name + "'");
      checks.notEmpty("tiers", tiers, "tier");
      Set<String> names = new HashSet<>();
      for (Tier tier : tiers) {
        if (!names.add(tier.name())) {
          throw checks.invalid("tier name", tier.name(), "must be unique");
        }
      }
      checks.atLeast("maxAttempts", maxAttempts, 1);
      return new Router(this);
    }
  }
}
