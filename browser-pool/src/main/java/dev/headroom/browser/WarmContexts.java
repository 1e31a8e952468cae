package dev.headroom.browser;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's contexts created ahead of demand, oldest first, including those still being created. A context whose
 * creation fails leaves by itself. Thread-safe; the host may call it while holding its own lock, never the reverse.
 */
final class WarmContexts {
  private static final Logger log = LoggerFactory.getLogger(WarmContexts.class);

  private final String host;
  private final ArrayDeque<CompletableFuture<PageContext>> queue = new ArrayDeque<>();

  WarmContexts(String host) {
    this.host = host;
  }

  /** The oldest warm context that has not failed, if any. */
  synchronized Optional<CompletableFuture<PageContext>> take() {
    CompletableFuture<PageContext> context = queue.poll();
    while (context != null && context.isCompletedExceptionally()) {
      context = queue.poll();
    }
    return Optional.ofNullable(context);
  }

  /** Adds a context being created; returns false when its creation already failed (do not add more now). */
  boolean add(CompletableFuture<PageContext> context) {
    synchronized (this) {
      queue.add(context);
    }
    context.whenComplete((ok, error) -> {
      if (error != null) {
        synchronized (this) {
          queue.remove(context);
        }
        log.debug("browser host '{}': a warm context failed: {}", host, error.toString());
      }
    });
    return !context.isCompletedExceptionally();
  }

  /** Forgets every warm context (their browser is being killed). */
  synchronized void clear() {
    queue.clear();
  }

  /** Drops a ready warm context whose page crashed. */
  synchronized void removeTarget(String targetId) {
    queue.removeIf(f -> f.isDone() && !f.isCompletedExceptionally() && f.join().targetId().equals(targetId));
  }

  synchronized int size() {
    return queue.size();
  }
}
