package dev.headroom.llm;

import dev.headroom.core.Endpoint;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link Catalog} current in the background: every interval it reads {@code /api/tags} and
 * {@code /api/ps} of each node, on the router's worker threads (never on the scheduler's thread or the pick path).
 * A node that cannot be read keeps its last known models; its health is the pool's business. Nodes added at run
 * time are read at once ({@link #add}); a removed one is polled no more ({@link #remove}). With a
 * {@link VramPolicy}, each {@code /api/ps} also goes to the {@link VramGuard}.
 */
final class FleetPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetPoller.class);

  private final Map<String, Endpoint> nodes = new ConcurrentHashMap<>();
  private final WireOllama client;
  private final Catalog catalog;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final ExecutorService executor;
  private final Duration interval;
  private final Duration timeout;
  private final VramGuard vram; // null without a VRAM policy
  private final LlmMetrics metrics;
  private final Map<String, Scheduler.Cancellable> timers = new HashMap<>();
  private volatile boolean closed;

  FleetPoller(List<Endpoint> nodes, WireOllama client, Catalog catalog, Scheduler scheduler, Ticker ticker,
      ExecutorService executor, Duration interval, Duration timeout, VramGuard vram, LlmMetrics metrics) {
    nodes.forEach(node -> this.nodes.put(node.id(), node));
    this.client = client;
    this.catalog = catalog;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.executor = executor;
    this.interval = interval;
    this.timeout = timeout;
    this.vram = vram;
    this.metrics = metrics;
  }

  /** Starts the periodic polls. */
  void start() {
    nodes.values().forEach(node -> schedule(node, interval.toNanos()));
  }

  /**
   * Starts polling a node added at run time: reads its models at once (so that it is routable as soon as they are
   * known) on a worker thread, then every interval.
   *
   * @return completes when the first read is done (successful or not)
   */
  CompletableFuture<Void> add(Endpoint node) {
    nodes.put(node.id(), node);
    return CompletableFuture.runAsync(() -> {
      poll(node);
      schedule(node, interval.toNanos());
    }, executor);
  }

  /** Stops polling a removed node. */
  void remove(String id) {
    nodes.remove(id);
    if (vram != null) {
      vram.forget(id);
    }
    metrics.forgetNode(id);
    synchronized (timers) {
      Scheduler.Cancellable timer = timers.remove(id);
      if (timer != null) {
        timer.cancel();
      }
    }
  }

  /** Polls every node now and waits (at most {@code wait}) for all of them. */
  void refreshNow(Duration wait) {
    List<CompletableFuture<Void>> polls = new ArrayList<>();
    for (Endpoint node : nodes.values()) {
      polls.add(CompletableFuture.runAsync(() -> poll(node), executor));
    }
    try {
      CompletableFuture.allOf(polls.toArray(new CompletableFuture<?>[0])).get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      log.debug("fleet refresh did not finish within {}", wait);
    }
  }

  private void schedule(Endpoint node, long delayNanos) {
    synchronized (timers) {
      if (closed || nodes.get(node.id()) != node) {
        return; // closed, or the node was removed (or replaced by a new one with its id) meanwhile
      }
      Scheduler.Cancellable timer = scheduler.schedule(delayNanos, () -> {
        if (!closed && nodes.get(node.id()) == node) {
          executor.execute(() -> {
            poll(node);
            schedule(node, interval.toNanos());
          });
        }
      });
      timers.put(node.id(), timer);
    }
  }

  private void poll(Endpoint node) {
    try {
      catalog.tags(node.id(), client.tags(node.uri(), timeout));
      Map<String, WireOllama.Running> loaded = client.ps(node.uri(), timeout);
      long now = ticker.read();
      Instant wallNow = Instant.now();
      Map<String, Long> until = new HashMap<>();
      loaded.forEach((model, running) -> {
        long left;
        try {
          left = Duration.between(wallNow, running.expires()).toNanos();
        } catch (ArithmeticException farFuture) { // keep_alive -1: loaded for ever
          left = Long.MAX_VALUE / 4;
        }
        until.put(model, now + Math.max(0, Math.min(left, Long.MAX_VALUE / 4)));
      });
      catalog.ps(node.id(), until);
      if (nodes.get(node.id()) == node) {
        metrics.loadedModels(node.id(), until.size());
      }
      if (vram != null && nodes.get(node.id()) == node) {
        vram.observed(node, loaded);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("cannot read the models of ollama node '{}': {}", node.id(), e.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    if (vram != null) {
      vram.close();
    }
    synchronized (timers) {
      timers.values().forEach(Scheduler.Cancellable::cancel);
      timers.clear();
    }
  }
}
