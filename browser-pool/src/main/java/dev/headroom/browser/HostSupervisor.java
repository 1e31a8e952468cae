package dev.headroom.browser;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.core.EndpointState;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one host: launching (or connecting to) its browser, keeping warm contexts, handing contexts to
 * leases, recycling, and recovering from crashes with backoff. The core pool counts the host's slots (an endpoint
 * whose limit is the session cap); this class drains the endpoint while the browser is down or being recycled and
 * resumes it when a browser is up.
 *
 * <p>Lock order: this host's monitor may be held while calling into the core pool, never the other way round;
 * leases are completed and sessions failed outside the monitor.
 */
final class HostSupervisor {
  private static final Logger log = LoggerFactory.getLogger(HostSupervisor.class);

  private final BrowserHost host;
  private final String id;
  private final PoolResources runtime;
  private final BrowserLauncher launcher;
  private final HostMetrics meters;
  private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
  private final WarmContexts idle;
  private final Set<BrowserSession> sessions = new LinkedHashSet<>();
  private HostState state = HostState.STARTING;
  private Browser browser;
  private int generation;
  private int failuresInARow;
  private long upSince;
  private Scheduler.Cancellable relaunch;
  private Scheduler.Cancellable maintenance;
  private volatile long rssBytes = -1;
  /** Drained at run time: takes no leases (and makes no warm contexts) even when its browser is up. */
  private boolean drained;

  HostSupervisor(BrowserHost host, PoolResources runtime, BrowserLauncher launcher) {
    this.host = host;
    this.id = host.id();
    this.runtime = runtime;
    this.launcher = launcher;
    this.idle = new WarmContexts(id);
    this.meters = new HostMetrics(runtime.config.meterRegistry().orElse(null), runtime.name, id,
        idle::size, () -> Math.max(0, rssBytes));
  }

  String id() {
    return id;
  }

  HostMetrics meters() {
    return meters;
  }

  /** Launches the first browser; completes after the first attempt, whether it worked or not. */
  CompletableFuture<Void> start() {
    attempt();
    scheduleMaintenance();
    return firstAttempt;
  }

  /** A context for a lease that holds one of this host's slots: a warm one if there is one, else a new one. */
  synchronized Taken take() {
    Browser b = browser;
    if (b == null || (state != HostState.UP && state != HostState.RECYCLING)) {
      return new Taken(CompletableFuture.failedFuture(
          new BrowserCrashedException(id, "the host is " + state.name().toLowerCase(Locale.ROOT))), false);
    }
    Optional<CompletableFuture<PageContext>> ready = idle.take();
    CompletableFuture<PageContext> context = ready.orElseGet(b::createContext);
    if (state == HostState.UP && Retirement.contextBudgetSpent(host, b) && idle.size() == 0) {
      recycleLocked(b, "contexts");
    } else {
      replenishLocked();
    }
    return new Taken(context, ready.isPresent());
  }

  /** Registers a session on a context that came from {@link #take()}; null when its browser is gone meanwhile. */
  synchronized BrowserSession open(PageContext context, Lease lease, Throwable leasedAt) {
    if (browser != context.browser() || (state != HostState.UP && state != HostState.RECYCLING)) {
      return null;
    }
    BrowserSession session = new BrowserSession(this, runtime, context, lease, leasedAt);
    sessions.add(session);
    return session;
  }

  /**
   * A context whose caller gave up while it was being created. When it comes up on the browser that is still this
   * host's, and warm contexts plus sessions stay within the cap, it is kept as a warm context for the next caller;
   * otherwise it is disposed. Only then is its slot given back. Keeping it matters on a loaded machine: when creating
   * a context takes longer than callers wait, disposing each abandoned one would make every caller pay for a context
   * that nobody gets, and the pool would serve no one (the chaos soak saw 3 leases served of 1,038).
   */
  void abandon(CompletableFuture<PageContext> pending, Lease lease) {
    pending.whenComplete((context, error) -> {
      if (context == null) {
        lease.close();
        return;
      }
      if (keepWarm(context)) {
        lease.close();
        return;
      }
      context.browser().dispose(context.browserContextId()).whenComplete((ok, disposeError) -> {
        lease.close();
        runtime.run(this::replenish);
      });
    });
  }

  /** Keeps an abandoned, fresh context as a warm one if its browser is current and the cap allows. */
  private synchronized boolean keepWarm(PageContext context) {
    // in flight still counts the abandoned lease, which is about to end
    return state == HostState.UP && browser == context.browser() && idle.size() + inFlight() - 1 < host.maxSessions()
        && idle.add(CompletableFuture.completedFuture(context));
  }

  /** A session ended and its slot is back: top the warm contexts up again. */
  void sessionEnded(BrowserSession session) {
    synchronized (this) {
      sessions.remove(session);
    }
    replenish();
  }

  /** A page's renderer crashed: fail that session only. */
  void rendererCrashed(BrowserSession session, TargetCrashedException error) {
    if (session.crashed(error)) {
      meters.crashed("renderer");
      log.warn("browser host '{}': renderer of target {} crashed; only its session fails", id,
          session.targetId());
    }
  }

  synchronized HostStatus status(int waiting) {
    Browser b = browser;
    OptionalLong pid = b != null && b.process().isPresent() ? OptionalLong.of(b.process().get().pid())
        : OptionalLong.empty();
    OptionalLong rss = host.isLocal() && rssBytes >= 0 && b != null ? OptionalLong.of(rssBytes) : OptionalLong.empty();
    return new HostStatus(id, host.isLocal(), state, inFlight(), host.maxSessions(), idle.size(), waiting, generation,
        b == null ? 0 : b.contextsCreated(), pid, rss,
        b == null ? Optional.empty() : Optional.of(b.webSocketUrl()), drained, warming());
  }

  /** Whether the core pool still ramps this host up (slow start); the lock order allows calling into it here. */
  private boolean warming() {
    Pool core = runtime.core();
    if (core == null) {
      return false;
    }
    long now = core.config().ticker().read();
    return core.endpoint(id).map(state -> state.isWarming(now)).orElse(false);
  }

  /** Whether the host is not up now but is expected back (starting, recycling or relaunching). */
  synchronized boolean recovering() {
    return state != HostState.UP && state != HostState.CLOSED && !drained;
  }

  /**
   * Drains the host at run time: no new leases whatever its state (a relaunch does not bring it back), no new warm
   * contexts; its sessions run on.
   *
   * @return completes when its last session has ended
   */
  CompletableFuture<Void> drain() {
    synchronized (this) {
      drained = true; // its warm contexts stay for a resume, or are closed with the browser on removal
      return runtime.core().drain(id); // the lock order allows calling into the core pool here
    }
  }

  /** Takes leases again once its browser is up. */
  void resume() {
    synchronized (this) {
      drained = false;
      if (state == HostState.UP) {
        runtime.core().resume(id);
      }
      replenishLocked();
    }
    runtime.hostChanged();
  }

  synchronized boolean drained() {
    return drained;
  }

  /** Resident memory over the recycle limit, as a share (0 when no limit is set); the picker's penalty. */
  double memoryPressure() {
    return Retirement.memoryPressure(host, rssBytes);
  }

  /** Ends every session, kills the browser and stops relaunching. */
  void close(SessionTerminatedException reason) {
    Browser b;
    List<BrowserSession> victims;
    synchronized (this) {
      if (state == HostState.CLOSED) {
        return;
      }
      state = HostState.CLOSED;
      b = browser;
      browser = null;
      idle.clear();
      victims = new ArrayList<>(sessions);
      sessions.clear();
      cancel(relaunch);
      cancel(maintenance);
    }
    victims.forEach(session -> session.terminate(reason));
    if (b != null) {
      discard(b, reason);
    }
    firstAttempt.complete(null);
  }

  /**
   * Closes the host after it was removed from the pool: ends its remaining sessions, closes its contexts (a local
   * browser is killed with its helper processes; a remote one is disconnected, which disposes the contexts the pool
   * created there), stops relaunching and removes its meters.
   *
   * @return how many sessions were still open and had to be ended
   */
  int closeRemoved() {
    int open;
    synchronized (this) {
      open = sessions.size();
    }
    close(new SessionTerminatedException(id, "the host was removed from the pool '" + runtime.name + "'"));
    meters.close();
    return open;
  }

  // ------------------------------------------------------------------ launching and crashes

  private void attempt() {
    int number;
    synchronized (this) {
      relaunch = null;
      if (state == HostState.CLOSED) {
        return;
      }
      state = HostState.STARTING;
      number = ++generation;
    }
    launcher.launch(host, number).whenComplete((b, error) -> {
      if (error != null) {
        launchFailed(BrowserLauncher.unwrap(error));
      } else {
        up(b);
      }
    });
  }

  private void up(Browser b) {
    synchronized (this) {
      if (state == HostState.CLOSED) {
        runtime.run(() -> discard(b, new SessionTerminatedException(id, "the pool is closed")));
        return;
      }
      browser = b;
      state = HostState.UP;
      upSince = runtime.ticker.read();
      rssBytes = -1; // measured again at the next maintenance
    }
    meters.launched(true);
    b.cdp().on(CdpConnection.BROWSER, "Target.targetCrashed", params -> targetCrashed(b, params));
    b.whenGone(reason -> gone(b, reason));
    log.info("browser host '{}': up ({}, {})", id, b, b.webSocketUrl());
    synchronized (this) {
      if (!drained) {
        runtime.core().resume(id);
      }
    }
    replenish();
    runtime.hostChanged();
    firstAttempt.complete(null);
  }

  private void launchFailed(Throwable error) {
    long delay;
    synchronized (this) {
      if (state == HostState.CLOSED) {
        return;
      }
      state = HostState.DOWN;
      failuresInARow++;
      delay = Retirement.backoffNanos(runtime.config, failuresInARow);
      relaunch = runtime.scheduler.schedule(delay, this::attempt);
    }
    meters.launched(false);
    log.warn("browser host '{}': {} failed ({} in a row); next attempt in {} ms: {}", id,
        host.isLocal() ? "launch" : "connect", failuresInARow, delay / 1_000_000, error.getMessage());
    firstAttempt.complete(null);
  }

  /** The browser went away without being retired: fail its sessions, mark the host down, relaunch with backoff. */
  private void gone(Browser b, BrowserException reason) {
    List<BrowserSession> victims;
    long delay;
    synchronized (this) {
      if (browser != b) {
        return;
      }
      browser = null;
      idle.clear();
      victims = sessionsOn(b);
      sessions.removeAll(victims);
      if (state == HostState.CLOSED) {
        return;
      }
      state = HostState.DOWN;
      long upFor = runtime.ticker.read() - upSince;
      failuresInARow = upFor < runtime.config.maxRelaunchBackoff().toNanos() ? failuresInARow + 1 : 1;
      delay = Retirement.backoffNanos(runtime.config, failuresInARow);
      relaunch = runtime.scheduler.schedule(delay, this::attempt);
    }
    runtime.core().drain(id); // before the slots come back, so that none is granted here again
    meters.crashed("browser");
    log.warn("browser host '{}': browser gone ({}); failing {} sessions, relaunching in {} ms", id,
        reason.detail(), victims.size(), delay / 1_000_000);
    victims.forEach(session -> session.terminate(reason));
    runtime.run(() -> discard(b, reason));
  }

  private void targetCrashed(Browser b, JsonNode params) {
    String targetId = params.path("targetId").asText("");
    BrowserSession victim = null;
    synchronized (this) {
      for (BrowserSession session : sessions) {
        if (session.context().browser() == b && session.targetId().equals(targetId)) {
          victim = session;
          break;
        }
      }
      if (victim == null) {
        idle.removeTarget(targetId);
      }
    }
    if (victim != null) {
      rendererCrashed(victim, new TargetCrashedException(id, targetId, "status " + params.path("status").asText("?")
          + ", error code " + params.path("errorCode").asText("?")));
    }
  }

  private void discard(Browser b, BrowserException reason) {
    b.retire(reason);
    b.process().ifPresent(runtime.processes::kill);
  }

  // ------------------------------------------------------------------ warm contexts

  private void replenish() {
    synchronized (this) {
      replenishLocked();
    }
  }

  private void replenishLocked() {
    Browser b = browser;
    if (state != HostState.UP || b == null || host.minIdle() == 0 || drained) {
      return;
    }
    int inFlight = inFlight();
    while (idle.size() < host.minIdle() && inFlight + idle.size() < host.maxSessions()
        && !Retirement.contextBudgetSpent(host, b)) {
      if (!idle.add(b.createContext())) {
        break; // the connection is gone; do not spin
      }
    }
  }

  private int inFlight() {
    return runtime.core().endpoint(id).map(EndpointState::inFlight).orElse(0);
  }

  // ------------------------------------------------------------------ recycling

  private void scheduleMaintenance() {
    synchronized (this) {
      if (state != HostState.CLOSED) {
        maintenance = runtime.scheduler.schedule(runtime.config.maintenanceInterval(), this::maintain);
      }
    }
  }

  private void maintain() {
    try {
      Browser b;
      synchronized (this) {
        b = browser;
      }
      if (b != null) {
        b.rssBytes().ifPresent(rss -> rssBytes = rss);
        Retirement.limitPassed(host, b, rssBytes, runtime.ticker.read()).ifPresent(reason -> {
          synchronized (this) {
            recycleLocked(b, reason);
          }
        });
      }
    } catch (RuntimeException e) {
      log.warn("browser host '{}': maintenance failed", id, e);
    } finally {
      scheduleMaintenance();
    }
  }

  /** Drain (no new leases), wait for the sessions, then kill and relaunch. */
  private void recycleLocked(Browser b, String reason) {
    if (browser != b || state != HostState.UP) {
      return;
    }
    state = HostState.RECYCLING;
    idle.clear(); // killed with the browser
    meters.recycled(reason);
    log.info("browser host '{}': recycling {} (reason: {}, {} contexts, rss {} MB)", id, b, reason,
        b.contextsCreated(), rssBytes < 0 ? "?" : rssBytes >> 20);
    Duration patience = runtime.config.recycleDrainTimeout();
    Scheduler.Cancellable force = runtime.scheduler.schedule(patience, () -> forceRecycle(b, patience));
    runtime.core().drain(id).whenCompleteAsync((done, error) -> {
      force.cancel();
      finishRecycle(b);
    }, runtime.executor);
  }

  private void forceRecycle(Browser b, Duration patience) {
    List<BrowserSession> victims;
    synchronized (this) {
      if (browser != b || state != HostState.RECYCLING) {
        return;
      }
      victims = sessionsOn(b);
    }
    log.warn("browser host '{}': {} sessions not returned within {} ms of recycling; ending them", id,
        victims.size(), patience.toMillis());
    SessionTerminatedException reason = new SessionTerminatedException(id,
        "its browser was retired and the session was not returned within " + patience.toMillis() + " ms");
    victims.forEach(session -> session.terminate(reason));
  }

  private void finishRecycle(Browser b) {
    synchronized (this) {
      if (browser != b || state != HostState.RECYCLING) {
        return;
      }
      browser = null;
      state = HostState.STARTING;
    }
    discard(b, new SessionTerminatedException(id, "the browser was retired"));
    attempt();
  }

  private List<BrowserSession> sessionsOn(Browser b) {
    List<BrowserSession> on = new ArrayList<>();
    for (BrowserSession session : sessions) {
      if (session.context().browser() == b) {
        on.add(session);
      }
    }
    return on;
  }

  private static void cancel(Scheduler.Cancellable task) {
    if (task != null) {
      task.cancel();
    }
  }

  @Override
  public String toString() {
    return "HostSupervisor{" + id + ", " + state + '}';
  }

  /** A context handed to a lease, and whether it was warm. */
  record Taken(CompletableFuture<PageContext> context, boolean warm) {}
}
