package dev.headroom.redis;

import dev.headroom.core.Health;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether L2 as a whole is usable: {@link Health#DOWN} until the first connection, and when {@link NodeHealth} has
 * marked every master down; while down, a probe runs every {@code probeInterval} on the scheduler and marks it
 * {@link Health#UP} again when it passes. Listeners hear both transitions. Failed commands are counted per master by
 * {@link NodeHealth}, never here: one dead master must not take the whole cache down.
 */
final class L2Health {
  private static final Logger log = LoggerFactory.getLogger(L2Health.class);

  private final String name;
  private final Duration probeInterval;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final Supplier<CompletableFuture<Boolean>> probe;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final CompletableFuture<Void> firstProbe = new CompletableFuture<>();
  private volatile Health state = Health.DOWN;
  private volatile long changedAt;
  private volatile boolean closed;
  private boolean probing;
  private Scheduler.Cancellable pending;

  L2Health(String name, Duration probeInterval, Scheduler scheduler, Ticker ticker,
      Supplier<CompletableFuture<Boolean>> probe) {
    this.name = name;
    this.probeInterval = probeInterval;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.probe = probe;
    this.changedAt = ticker.read();
  }

  Health state() {
    return state;
  }

  boolean isUp() {
    return state == Health.UP;
  }

  /** Ticker reading of the last transition. */
  long changedAt() {
    return changedAt;
  }

  void addListener(Listener listener) {
    listeners.add(listener);
  }

  void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /** Marks L2 down (for example when the first connection failed) and starts probing. */
  void markDown(String reason) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      boolean changed = state != Health.DOWN;
      if (changed) {
        state = Health.DOWN;
        changedAt = ticker.read();
        log.warn("cache cluster '{}': L2 is DOWN ({}); serving from L1 and loaders until it recovers", name, reason);
      }
      scheduleProbe(probeInterval);
      if (!changed) {
        return;
      }
    }
    listeners.forEach(Listener::down);
  }

  /** Runs a probe at once (used at start). */
  void probeNow() {
    synchronized (lock) {
      scheduleProbe(Duration.ZERO);
    }
  }

  private void scheduleProbe(Duration delay) {
    if (probing || closed) {
      return;
    }
    probing = true;
    pending = scheduler.schedule(delay, this::runProbe);
  }

  private void runProbe() {
    CompletableFuture<Boolean> result;
    try {
      result = probe.get();
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete((ok, error) -> {
      boolean up = error == null && Boolean.TRUE.equals(ok);
      synchronized (lock) {
        probing = false;
        if (closed) {
          return;
        }
        if (!up) {
          log.debug("cache cluster '{}': L2 probe failed: {}", name, error == null ? "not every slot served" : error);
          scheduleProbe(probeInterval);
          firstProbe.complete(null);
          return;
        }
        if (state == Health.UP) {
          firstProbe.complete(null);
          return;
        }
        state = Health.UP;
        changedAt = ticker.read();
        log.info("cache cluster '{}': L2 is UP", name);
      }
      listeners.forEach(Listener::up);
      firstProbe.complete(null);
    });
  }

  /** Waits at most {@code timeout} for the first probe to finish, so a reachable L2 is UP when this returns. */
  void awaitFirstProbe(Duration timeout) {
    try {
      firstProbe.get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      // reported below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (state != Health.UP) {
      log.warn("cache cluster '{}': L2 not reachable yet; starting with L1 only and probing every {}", name,
          probeInterval);
    }
  }

  void close() {
    synchronized (lock) {
      closed = true;
      if (pending != null) {
        pending.cancel();
      }
    }
  }

  /** Hears transitions; must not block. */
  interface Listener {
    /** L2 became usable. */
    void up();

    /** L2 became unusable. */
    void down();
  }
}
