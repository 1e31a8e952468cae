package dev.headroom.browser;

import dev.headroom.core.Deadline;
import dev.headroom.core.Endpoint;
import dev.headroom.core.HeadroomException;
import dev.headroom.core.Lease;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.PoolExhaustedException;
import dev.headroom.core.Selector;
import dev.headroom.core.SpillReason;
import dev.headroom.core.pick.CostFunction;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.pick.RandomSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases isolated headless-Chromium sessions across local and remote hosts, each with a session cap.
 *
 * <pre>{@code
 * BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("render")
 *     .host(BrowserHost.local("local-1").maxSessions(3).minIdle(1).recycleAfterContexts(500))
 *     .host(BrowserHost.remote("vm-2", URI.create("http://10.0.0.7:9222")).maxSessions(5))
 *     .meterRegistry(registry)
 *     .build());
 * try (BrowserSession session = pool.lease(Duration.ofSeconds(2))) {
 *   session.navigate("https://example.com/");
 *   byte[] png = session.screenshot();
 * }
 * }</pre>
 *
 * <p>A lease picks the host with the most headroom (the core pool's power-of-two-choices over sessions in use per
 * unit of cap, with the host's memory pressure as a penalty) and reserves its slot <em>before</em> the context is
 * created, so a host never holds more contexts than its cap, warm ones included. When every host is full the caller
 * waits in a bounded FIFO queue until its deadline and then gets a {@link BrowserPoolExhaustedException} with a
 * snapshot of every host. A context that is ready only after the caller gave up is disposed at once.
 *
 * <p>{@link #close()} (and a JVM shutdown hook) kill every browser the pool launched, with their helper processes,
 * and delete their profile directories. There is no Playwright dependency: connect Playwright or Selenium to a
 * session's {@link BrowserSession#webSocketUrl()} if you want one.
 */
public final class BrowserPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrowserPool.class);

  private final PoolResources runtime;
  private final Pool core;
  private final Map<String, HostSupervisor> hosts = new LinkedHashMap<>();
  private final Thread shutdownHook;
  private volatile boolean closed;

  private BrowserPool(BrowserPoolConfig config) {
    this.runtime = new PoolResources(config);
    BrowserLauncher launcher = new BrowserLauncher(runtime);
    List<Endpoint> endpoints = new ArrayList<>();
    for (BrowserHost host : config.hosts()) {
      hosts.put(host.id(), new HostSupervisor(host, runtime, launcher));
      Endpoint.Builder endpoint = Endpoint.builder(host.id())
          .maxConcurrency(host.maxSessions())
          .label("browser", host.isLocal() ? "local" : "remote");
      host.endpoint().ifPresent(endpoint::uri);
      endpoints.add(endpoint.build());
    }
    // cost = share of the cap in use after this lease, times (1 + memory pressure): the host with the most headroom
    CostFunction headroom = (state, now) -> (state.fleetInFlight() + 1.0) / state.limit()
        * (1 + hosts.get(state.id()).memoryPressure());
    PoolConfig.Builder core = PoolConfig.builder(config.name())
        .endpoints(endpoints)
        .picker(Pickers.powerOfTwoChoices(headroom, RandomSource.threadLocal()))
        .maxWaiters(config.maxWaiters())
        .noCircuitBreaker() // the host state machine decides availability, from the browser itself
        .outlierDetection(OutlierDetection.disabled())
        .scheduler(runtime.scheduler)
        .coordinator(config.coordinator())
        .strictCaps(true); // a host's session cap is its memory: with a shared coordinator, a global permit each
    config.meterRegistry().ifPresent(core::meterRegistry);
    this.core = Pool.create(core.build());
    runtime.core(this.core);
    for (String id : hosts.keySet()) {
      this.core.drain(id); // no leases until its browser is up
    }
    if (config.shutdownHook()) {
      shutdownHook = new Thread(runtime.processes::killAll, "headroom-browser-" + config.name() + "-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      shutdownHook = null;
    }
  }

  /**
   * Creates a pool and brings up every host, waiting until each has made its first launch (or connect) attempt.
   * Hosts whose first attempt failed keep retrying with backoff.
   *
   * @throws BrowserLaunchException when no host could be brought up at all (the pool is closed again)
   */
  public static BrowserPool create(BrowserPoolConfig config) {
    BrowserPool pool = new BrowserPool(Objects.requireNonNull(config, "config"));
    try {
      List<CompletableFuture<Void>> first = new ArrayList<>();
      pool.hosts.values().forEach(host -> first.add(host.start()));
      CompletableFuture.allOf(first.toArray(new CompletableFuture<?>[0]))
          .get(config.launchTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.close();
      throw new HeadroomException("interrupted while starting browser pool '" + config.name() + "'", e);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("browser pool '{}': not every host finished its first start in time", config.name());
    }
    if (pool.hosts().stream().allMatch(HostStatus::down)) {
      String states = pool.hosts().toString();
      pool.close();
      throw new BrowserLaunchException(config.hosts().get(0).id(),
          "browser pool '" + config.name() + "' could not bring up any host: " + states);
    }
    return pool;
  }

  /** The pool name. */
  public String name() {
    return runtime.name;
  }

  /** The configuration the pool was created with. */
  public BrowserPoolConfig config() {
    return runtime.config;
  }

  /**
   * Leases a fresh, isolated session, waiting at most {@code timeout} for a slot and its context.
   *
   * @throws BrowserPoolExhaustedException when no session could be had in time (or the queue is full)
   * @throws BrowserException when a context could not be created for another reason
   * @throws HeadroomException when the pool is closed
   */
  public BrowserSession lease(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (closed) {
      throw new HeadroomException("browser pool '" + runtime.name + "' is closed");
    }
    long start = runtime.ticker.read();
    Deadline deadline = Deadline.after(timeout, runtime.ticker);
    Throwable leasedAt = runtime.config.leakDetectionThreshold().isZero() ? null
        : new Throwable("browser session leased by thread " + Thread.currentThread().getName());
    while (true) {
      Lease lease = acquire(deadline, start);
      HostSupervisor host = hosts.get(lease.endpoint().id());
      HostSupervisor.Taken taken = host.take();
      PageContext context;
      try {
        context = taken.context().get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        host.abandon(taken.context(), lease);
        throw exhausted(SpillReason.DEADLINE, "the deadline passed while a context was being created on host '"
            + host.id() + "'", start, core.queueDepth());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        host.abandon(taken.context(), lease);
        throw new BrowserException(host.id(), "interrupted while a context was being created", e);
      } catch (ExecutionException e) {
        Throwable cause = BrowserLauncher.unwrap(e);
        BrowserException failure = cause instanceof BrowserException b ? b
            : new BrowserException(host.id(), "creating a context failed: " + cause, cause);
        lease.failure(failure);
        if (failure instanceof BrowserCrashedException && !deadline.isExpired() && !closed) {
          continue; // the host went away meanwhile: try the others
        }
        throw failure;
      }
      BrowserSession session = host.open(context, lease, leasedAt);
      if (session == null) {
        host.abandon(taken.context(), lease); // its browser was replaced meanwhile
        continue;
      }
      host.meters().leased(runtime.ticker.read() - start, taken.warm());
      watchForLeak(session);
      return session;
    }
  }

  /** A snapshot of every host, in configuration order. */
  public List<HostStatus> hosts() {
    int waiting = core.queueDepth();
    List<HostStatus> all = new ArrayList<>(hosts.size());
    for (HostSupervisor host : hosts.values()) {
      all.add(host.status(waiting));
    }
    return all;
  }

  /** A snapshot of one host. */
  public Optional<HostStatus> host(String id) {
    HostSupervisor host = hosts.get(id);
    return host == null ? Optional.empty() : Optional.of(host.status(core.queueDepth()));
  }

  /** Sessions leased across all hosts (slots reserved whose context is being created included). */
  public int leased() {
    return core.inFlight();
  }

  /** Callers waiting for a session. */
  public int queueDepth() {
    return core.queueDepth();
  }

  /**
   * Closes the pool: waiting callers fail, open sessions fail with {@link SessionTerminatedException}, every browser
   * the pool launched is killed with its helper processes, and profile directories are deleted. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    core.close();
    SessionTerminatedException reason = new SessionTerminatedException("*", "the pool '" + runtime.name
        + "' was closed");
    for (HostSupervisor host : hosts.values()) {
      host.close(new SessionTerminatedException(host.id(), "the pool '" + runtime.name + "' was closed"));
    }
    runtime.processes.killAll();
    runtime.shutdownThreads();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs anyway
      }
    }
    runtime.hostChanged();
    log.debug("browser pool '{}' closed ({})", runtime.name, reason.getMessage());
  }

  @Override
  public String toString() {
    return "BrowserPool{" + runtime.name + ", " + hosts() + '}';
  }

  // ------------------------------------------------------------------ internals

  /** A core lease; while every host is down but coming back, waits for one until the deadline. */
  private Lease acquire(Deadline deadline, long start) {
    while (true) {
      CompletableFuture<Void> hostChange = runtime.nextHostChange();
      try {
        return core.acquire(Selector.any(), deadline);
      } catch (PoolExhaustedException e) {
        boolean recovering = hosts.values().stream().anyMatch(HostSupervisor::recovering);
        if (e.lastReason() != SpillReason.NO_HEALTHY_ENDPOINT || !recovering || closed || deadline.isExpired()) {
          throw exhausted(e.lastReason(), e.lastReason() == SpillReason.NO_HEALTHY_ENDPOINT
              ? "no host is up" : e.lastReason() == SpillReason.SATURATED && !deadline.isExpired()
              ? "every host is at its cap and the queue is full (maxWaiters " + runtime.config.maxWaiters() + ")"
              : "every host stayed at its cap until the deadline", start, e.waiting());
        }
        try {
          hostChange.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException timeout) {
          throw exhausted(SpillReason.NO_HEALTHY_ENDPOINT, "no host came up before the deadline", start,
              core.queueDepth());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new HeadroomException("interrupted while waiting for a browser host to come up", interrupted);
        } catch (ExecutionException impossible) {
          throw new IllegalStateException(impossible);
        }
      }
    }
  }

  private BrowserPoolExhaustedException exhausted(SpillReason reason, String detail, long start, int waiting) {
    return new BrowserPoolExhaustedException(runtime.name, reason, detail,
        Duration.ofNanos(runtime.ticker.read() - start), waiting, core.loads(), hosts());
  }

  private void watchForLeak(BrowserSession session) {
    Duration threshold = runtime.config.leakDetectionThreshold();
    if (threshold.isZero()) {
      return;
    }
    session.leakCheck(runtime.scheduler.schedule(threshold, () -> session.leak().ifPresent(leak -> {
      log.warn("browser pool '{}': probable session leak: {} (stack of the lease follows)", runtime.name, leak,
          leak.acquiredAt());
      session.hostRuntime().meters().leaked();
      runtime.config.leakListener().ifPresent(listener -> listener.accept(leak));
    })));
  }
}
