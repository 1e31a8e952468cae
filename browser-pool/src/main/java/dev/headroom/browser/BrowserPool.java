package dev.headroom.browser;

import dev.headroom.core.Checks;
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
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipTarget;
import dev.headroom.core.pick.CostFunction;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
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
 * <p>Hosts can be added, drained and removed while sessions are leased ({@link #addHost}, {@link #drainHost},
 * {@link #removeHost}, or a discovery source through {@link #membership}).
 *
 * <p>{@link #close()} (and a JVM shutdown hook) kill every browser the pool launched, with their helper processes,
 * and delete their profile directories. There is no Playwright dependency: connect Playwright or Selenium to a
 * session's {@link BrowserSession#webSocketUrl()} if you want one.
 */
public final class BrowserPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrowserPool.class);

  private final PoolResources runtime;
  private final BrowserLauncher launcher;
  private final Pool core;
  /** The hosts in the order they joined; replaced, never changed, under {@link #membership}. */
  private volatile Map<String, HostSupervisor> hosts = Map.of();
  private final Object membership = new Object();
  private final Map<String, Removal> removing = new ConcurrentHashMap<>();
  private final Thread shutdownHook;
  private volatile boolean closed;

  private BrowserPool(BrowserPoolConfig config) {
    this.runtime = new PoolResources(config);
    this.launcher = new BrowserLauncher(runtime);
    List<Endpoint> endpoints = new ArrayList<>();
    Map<String, HostSupervisor> initial = new LinkedHashMap<>();
    for (BrowserHost host : config.hosts()) {
      initial.put(host.id(), new HostSupervisor(host, runtime, launcher));
      endpoints.add(endpoint(host));
    }
    this.hosts = Collections.unmodifiableMap(initial);
    // cost = share of the cap in use after this lease, times (1 + memory pressure): the host with the most headroom
    CostFunction headroom = (state, now) -> (state.fleetInFlight() + 1.0) / state.limit()
        * (1 + memoryPressure(state.id()));
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
    config.slowStart().ifPresent(core::slowStart);
    if (endpoints.isEmpty()) {
      core.startEmpty(); // every host comes at run time
    }
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
    if (!config.hosts().isEmpty() && pool.hosts().stream().allMatch(HostStatus::down)) {
      String states = pool.hosts().toString();
      pool.close();
      throw new BrowserLaunchException(config.hosts().get(0).id(),
          "browser pool '" + config.name() + "' could not bring up any host: " + states);
    }
    return pool;
  }

  private static Endpoint endpoint(BrowserHost host) {
    Endpoint.Builder endpoint = Endpoint.builder(host.id())
        .maxConcurrency(host.maxSessions())
        .label("browser", host.isLocal() ? "local" : "remote");
    host.endpoint().ifPresent(endpoint::uri);
    return endpoint.build();
  }

  private double memoryPressure(String id) {
    HostSupervisor host = hosts.get(id);
    return host == null ? 0 : host.memoryPressure();
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
      if (host == null) { // removed while the lease was being granted
        lease.close();
        continue;
      }
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

  /** A snapshot of every host, in the order they joined (configuration order first). */
  public List<HostStatus> hosts() {
    int waiting = core.queueDepth();
    Map<String, HostSupervisor> current = hosts;
    List<HostStatus> all = new ArrayList<>(current.size());
    for (HostSupervisor host : current.values()) {
      all.add(host.status(waiting));
    }
    return all;
  }

  /** A snapshot of one host. */
  public Optional<HostStatus> host(String id) {
    HostSupervisor host = hosts.get(id);
    return host == null ? Optional.empty() : Optional.of(host.status(core.queueDepth()));
  }

  // ------------------------------------------------------------------ membership

  /**
   * Adds a host while sessions are leased: its browser is launched (or, for a remote host, connected to) with the
   * same retries as the configured hosts', and it takes leases once it is up.
   *
   * @return completes after its first launch or connect attempt, whether it worked or not (see {@link #host})
   * @throws dev.headroom.core.ConfigException when a host of the pool already has its id
   * @throws HeadroomException when the pool is closed
   */
  public CompletableFuture<Void> addHost(BrowserHost host) {
    Objects.requireNonNull(host, "host");
    HostSupervisor supervisor;
    synchronized (membership) {
      if (closed) {
        throw new HeadroomException("browser pool '" + runtime.name + "' is closed");
      }
      if (hosts.containsKey(host.id())) {
        throw Checks.in("browser pool '" + runtime.name + "'").invalid("host id", "'" + host.id() + "'",
            "must be unique in the pool");
      }
      supervisor = new HostSupervisor(host, runtime, launcher);
      Map<String, HostSupervisor> more = new LinkedHashMap<>(hosts);
      more.put(host.id(), supervisor);
      hosts = Collections.unmodifiableMap(more);
      core.addDrained(endpoint(host)); // no leases until its browser is up, not even for an instant
    }
    log.info("browser pool '{}': added host '{}'", runtime.name, host.id());
    return supervisor.start();
  }

  /**
   * Drains a host: no new leases (a relaunch does not bring it back), no new warm contexts; its sessions run on.
   * It stays in the pool, shown as draining, until {@link #removeHost} or {@link #resumeHost}.
   *
   * @return completes when its last session has ended; at once for an unknown id
   */
  public CompletableFuture<Void> drainHost(String id) {
    HostSupervisor host = hosts.get(Objects.requireNonNull(id, "id"));
    return host == null ? CompletableFuture.completedFuture(null) : host.drain();
  }

  /**
   * Makes a drained host take leases again (once its browser is up).
   *
   * @throws IllegalArgumentException for an unknown id
   * @throws IllegalStateException when the host is being removed
   */
  public void resumeHost(String id) {
    Objects.requireNonNull(id, "id");
    HostSupervisor host;
    synchronized (membership) {
      if (removing.containsKey(id)) {
        throw new IllegalStateException("browser pool '" + runtime.name + "': host '" + id + "' is being removed");
      }
      host = hosts.get(id);
    }
    if (host == null) {
      throw new IllegalArgumentException("browser pool '" + runtime.name + "' has no host '" + id + "'");
    }
    host.resume();
  }

  /**
   * Removes a host gracefully: no new leases from now on; when its sessions have been closed, or after the
   * {@linkplain BrowserPoolConfig#drainTimeout() drain timeout}, the ones still open are ended with a
   * {@link SessionTerminatedException}, its contexts are closed (a local browser is killed with its helper
   * processes; a remote one is disconnected) and it leaves the pool.
   *
   * @return completes when the host is gone; at once for an unknown id
   */
  public CompletableFuture<Void> removeHost(String id) {
    return removeHost(id, runtime.config.drainTimeout());
  }

  /** {@link #removeHost(String)} waiting at most {@code drainTimeout} (zero: at once) for the host's sessions. */
  public CompletableFuture<Void> removeHost(String id, Duration drainTimeout) {
    Objects.requireNonNull(id, "id");
    Checks.in("browser pool '" + runtime.name + "'").nonNegative("drainTimeout", drainTimeout);
    Removal removal;
    CompletableFuture<Void> drained = null;
    synchronized (membership) {
      removal = removing.get(id);
      if (removal == null) {
        HostSupervisor host = hosts.get(id);
        if (host == null) {
          return CompletableFuture.completedFuture(null);
        }
        removal = new Removal(host);
        removing.put(id, removal);
        drained = host.drain();
      }
    }
    if (drained != null) {
      if (!drainTimeout.isZero()) {
        removal.timer = runtime.scheduler.schedule(drainTimeout, removal::finish);
      }
      drained.thenRun(removal::finish);
    }
    if (drainTimeout.isZero()) {
      removal.finish();
    }
    return removal.done.thenApply(ignored -> null);
  }

  /**
   * The pool's hosts as a {@link MembershipTarget}, so that a {@code MembershipSync} can follow a discovery source
   * of browser VMs; {@code toHost} makes the host of a discovered member and must keep its id:
   *
   * <pre>{@code
   * MembershipTarget target = pool.membership(m -> BrowserHost.remote(m.id(), m.uri()).maxSessions(5).build());
   * }</pre>
   *
   * Its {@code remove} removes at once: the sync calls it after the drain it waited for.
   */
  public MembershipTarget membership(Function<DiscoveredMember, BrowserHost> toHost) {
    Objects.requireNonNull(toHost, "toHost");
    return new MembershipTarget() {
      @Override
      public Set<String> memberIds() {
        return Set.copyOf(hosts.keySet());
      }

      @Override
      public void add(DiscoveredMember member) {
        if (hosts.containsKey(member.id())) {
          return;
        }
        BrowserHost host = toHost.apply(member);
        if (!host.id().equals(member.id())) {
          throw Checks.in("browser pool '" + runtime.name + "'").invalid("membership host id", host.id(),
              "must be the discovered member's id '" + member.id() + "'");
        }
        addHost(host);
      }

      @Override
      public CompletableFuture<Void> drain(String id) {
        return drainHost(id);
      }

      @Override
      public void resume(String id) {
        if (hosts.containsKey(id) && !removing.containsKey(id)) {
          resumeHost(id);
        }
      }

      @Override
      public void remove(String id) {
        removeHost(id, Duration.ZERO);
      }

      @Override
      public String toString() {
        return "BrowserPool.membership{" + runtime.name + ", " + hosts.keySet() + '}';
      }
    };
  }

  /** One host being removed; {@link #finish()} runs once, when it drained or its timeout passed. */
  private final class Removal {
    final HostSupervisor host;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicBoolean finished = new AtomicBoolean();
    volatile Scheduler.Cancellable timer;

    Removal(HostSupervisor host) {
      this.host = host;
    }

    void finish() {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      Scheduler.Cancellable t = timer;
      if (t != null) {
        t.cancel();
      }
      int ended = host.closeRemoved(); // ends its sessions (their leases end) and closes its browser
      core.remove(host.id());
      synchronized (membership) {
        Map<String, HostSupervisor> fewer = new LinkedHashMap<>(hosts);
        fewer.remove(host.id(), host);
        hosts = Collections.unmodifiableMap(fewer);
        removing.remove(host.id(), this);
      }
      runtime.hostChanged(); // callers waiting for a host re-check what is left
      if (ended > 0) {
        log.warn("browser pool '{}': removed host '{}', ending {} sessions not returned in time", runtime.name,
            host.id(), ended);
      } else {
        log.info("browser pool '{}': removed host '{}'", runtime.name, host.id());
      }
      done.complete(null);
    }
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
    synchronized (membership) {
      if (closed) {
        return;
      }
      closed = true;
    }
    removing.values().forEach(Removal::finish); // pending removals end now, as every host does
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
