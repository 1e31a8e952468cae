package dev.headroom.npu;

import dev.headroom.core.BackendException;
import dev.headroom.core.HeadroomException;
import dev.headroom.core.Lease;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.Selector;
import dev.headroom.core.SpillReason;
import dev.headroom.core.TierAttempt;
import dev.headroom.core.route.FailureClassifier;
import dev.headroom.core.route.FailureKind;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The dynamic batcher behind an {@link EmbeddingPool}. Texts wait in length buckets; a bucket goes out when it holds
 * a full batch or its oldest text has waited the maximum delay, and only when the core picker hands out a lease on a
 * backend with a free slot (so under load batches grow instead of queues forming inside backends). Failed batches
 * are split in two and retried; a single text that keeps failing moves to the cloud lane or fails alone.
 *
 * <p>Every decision happens under one lock, on whichever thread caused it (a submit, a finished batch, a timer);
 * backends run on the executor. Each text is answered exactly once: it is in one queue, or in one running batch.
 */
final class Batcher {
  private final Settings settings;
  private final Lane local;
  private final Lane cloud;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final Executor executor;
  private final EmbeddingMetrics metrics;
  private final FailureClassifier classifier = FailureClassifier.defaults();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private final Condition room = lock.newCondition(); // signalled whenever the local queue may have shrunk
  private boolean closed;

  Batcher(Settings settings, Lane local, Lane cloud, Ticker ticker, Scheduler scheduler, Executor executor,
      EmbeddingMetrics metrics) {
    this.settings = settings;
    this.local = local;
    this.cloud = cloud;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.executor = executor;
    this.metrics = metrics;
  }

  // ---------------------------------------------------------------- admission

  void submit(PendingText item) {
    lock.lock();
    try {
      if (closed) {
        item.future.completeExceptionally(closedException());
        return;
      }
      route(item);
    } finally {
      lock.unlock();
    }
    drain();
  }

  /**
   * The backends a lane may use. The local lane, when a cloud lane follows it, uses only backends eligible on their
   * own, not those its pool admits in panic (every backend ejected or behind an open breaker): texts then go to the
   * cloud rather than to backends known to be broken, as a core {@code Router} panics only in its last tier. The
   * last lane has nowhere else to go and may panic.
   */
  private Selector usable(Lane lane) {
    return lane == local && cloud != null ? Selector.withoutPanic() : Selector.any();
  }

  /** Chooses the lane: local unless it has no eligible backend or its queue passed a threshold. */
  private void route(PendingText item) {
    long now = ticker.read();
    if (local == null || !local.pool.hasEligible(usable(local))) {
      spillOrReject(item, SpillReason.NO_HEALTHY_ENDPOINT, "no eligible local backend", now);
      return;
    }
    int depth = local.pending();
    if (depth >= settings.critical()) {
      spillOrReject(item, SpillReason.SATURATED, "queue depth " + depth + " >= critical " + settings.critical(), now);
    } else if (depth >= settings.warning() && cloud != null) {
      spillOrReject(item, SpillReason.SATURATED, "queue depth " + depth + " >= warning " + settings.warning(), now);
    } else {
      local.enqueue(item, now);
    }
  }

  private void spillOrReject(PendingText item, SpillReason reason, String detail, long now) {
    String from = local != null ? local.name : "local";
    if (cloud != null && cloud.pool.hasEligible(Selector.any())) {
      metrics.spill(from, cloud.name, reason);
      cloud.enqueue(item, now);
      return;
    }
    metrics.spill(from, "none", reason);
    List<TierAttempt> tried = new ArrayList<>();
    Throwable cause = item.lastFailure;
    if (reason == SpillReason.NO_HEALTHY_ENDPOINT && local != null) {
      detail = withFailures(detail, item, local);
      cause = cause != null ? cause : local.lastFailure();
    }
    tried.add(new TierAttempt(from, reason, detail));
    if (cloud != null) {
      tried.add(new TierAttempt(cloud.name, SpillReason.NO_HEALTHY_ENDPOINT,
          withFailures("no eligible cloud backend", item, cloud)));
      cause = cause != null ? cause : cloud.lastFailure();
    }
    fail(item, null, new NoCapacityException(tried, cause));
  }

  /**
   * "no eligible local backend" alone hides why: the backends are out because they failed. Names the text's own
   * last failure, or else each failing backend's last one (a malformed reply, a reset, a bad vector).
   */
  private static String withFailures(String detail, PendingText item, Lane lane) {
    if (item.lastFailure != null) {
      return detail + " (its last try failed on '" + item.lastFailedOn + "': " + describe(item.lastFailure) + ")";
    }
    String failures = lane.lastFailures();
    return failures.isEmpty() ? detail : detail + " (last failures: " + failures + ")";
  }

  /** The first line of a failure's message, bounded, naming its type when the message does not name the backend. */
  static String describe(Throwable failure) {
    String message = failure.getMessage();
    String text = failure instanceof HeadroomException && message != null ? message : failure.toString();
    int newline = text.indexOf('\n');
    if (newline >= 0) {
      text = text.substring(0, newline);
    }
    return text.length() <= 300 ? text : text.substring(0, 297) + "...";
  }

  /**
   * Waits until {@code count} more texts fit in the local queue below its critical depth, so that a caller pacing
   * a large list is not refused by the pool's own threshold. Without a cloud only: with one, texts past the warning
   * depth spill there, which is the pool's answer to a deep queue. Returns at once when nothing local is eligible
   * (the texts are then refused or spilled with that reason) or the pool is closed.
   *
   * @param deadlineNanos a {@link System#nanoTime()} value
   * @return false when the deadline passed first
   */
  boolean awaitRoom(int count, long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (!closed && local != null && cloud == null && local.pending() > 0
          && local.pending() + count > settings.critical() && local.pool.hasEligible(Selector.any())) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        room.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100))); // re-checks eligibility too
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  QueueLevel level() {
    int depth = localPending();
    return depth >= settings.critical() ? QueueLevel.CRITICAL
        : depth >= settings.warning() ? QueueLevel.WARNING : QueueLevel.OK;
  }

  int localPending() {
    lock.lock();
    try {
      return local == null ? 0 : local.pending();
    } finally {
      lock.unlock();
    }
  }

  PoolLoad load(int capacity) {
    lock.lock();
    try {
      int inFlight = (local == null ? 0 : local.inFlightItems) + (cloud == null ? 0 : cloud.inFlightItems);
      return new PoolLoad(local == null ? 0 : local.pending(), inFlight, capacity, level(),
          cloud == null ? 0 : cloud.pending());
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- dispatch

  /** Sends every batch that is due and has a free backend slot; arms a timer for the next one. */
  void drain() {
    List<Runnable> launches = new ArrayList<>(2);
    lock.lock();
    try {
      if (!closed) {
        if (local != null) {
          drainLane(local, launches);
        }
        if (cloud != null) {
          drainLane(cloud, launches);
        }
      }
      room.signalAll();
    } finally {
      lock.unlock();
    }
    for (Runnable launch : launches) {
      try {
        executor.execute(launch);
      } catch (RejectedExecutionException e) {
        launch.run(); // the executor is shutting down: finish here so no text is left unanswered
      }
    }
  }

  private void drainLane(Lane lane, List<Runnable> launches) {
    long now = ticker.read();
    if (lane.pending() > 0 && !lane.pool.hasEligible(usable(lane))) {
      for (PendingText item : lane.removeAll()) {
        if (lane == local) {
          spillOrReject(item, SpillReason.NO_HEALTHY_ENDPOINT, "no eligible local backend", now);
        } else {
          fail(item, null, new NoCapacityException(List.of(new TierAttempt(lane.name,
              SpillReason.NO_HEALTHY_ENDPOINT, withFailures("no eligible cloud backend", item, lane))),
              item.lastFailure != null ? item.lastFailure : lane.lastFailure()));
        }
      }
      return;
    }
    while (true) {
      Lane.Ready ready = lane.nextReady(now, settings.maxBatchSize(), settings.maxQueueDelayNanos());
      if (ready == null) {
        break;
      }
      Selector usable = usable(lane);
      Selector selector = ready.excluding().isEmpty() ? usable : usable.and(Selector.excluding(ready.excluding()));
      if (!ready.excluding().isEmpty() && !lane.pool.hasEligible(selector)) {
        selector = usable; // every other backend is gone: the one that failed is better than none
      }
      Optional<Lease> lease = lane.pool.tryAcquire(selector);
      if (lease.isEmpty()) {
        if (lane.inFlightBatches == 0) {
          arm(lane, now + Math.max(settings.maxQueueDelayNanos(), TimeUnit.MILLISECONDS.toNanos(5)));
        }
        break; // every slot is busy: a finishing batch will call drain() again
      }
      EmbeddingBackend backend = lane.backends.get(lease.get().endpoint().id());
      List<PendingText> items = lane.take(ready, Math.min(settings.maxBatchSize(), backend.maxBatchSize()));
      if (items.isEmpty()) {
        lease.get().close();
        continue;
      }
      lane.inFlightBatches++;
      lane.inFlightItems += items.size();
      Lease granted = lease.get();
      launches.add(() -> run(lane, granted, backend, items));
    }
    long due = lane.nextDue(now, settings.maxQueueDelayNanos());
    if (due != Long.MAX_VALUE) {
      arm(lane, due);
    }
  }

  private void arm(Lane lane, long at) {
    if (at >= lane.timerAt) {
      return;
    }
    lane.timerAt = at;
    scheduler.schedule(at - ticker.read(), () -> {
      lock.lock();
      try {
        if (lane.timerAt == at) {
          lane.timerAt = Long.MAX_VALUE;
        }
      } finally {
        lock.unlock();
      }
      drain();
    });
  }

  // ---------------------------------------------------------------- running a batch

  private void run(Lane lane, Lease lease, EmbeddingBackend backend, List<PendingText> items) {
    try {
      EmbeddingBatch batch = batchFor(backend, items);
      List<float[]> vectors = backend.embed(batch);
      check(backend, items, vectors);
      lease.success();
      metrics.batch(backend.id(), items.size());
      metrics.answered(backend.id(), true, items.size());
      for (int i = 0; i < items.size(); i++) {
        PendingText item = items.get(i);
        boolean truncated = item.tokens != null && item.tokens.truncated();
        int tokens = item.tokens != null ? item.tokens.length() : 0;
        item.future.complete(new Embedding(vectors.get(i), tokens, truncated, backend.id()));
      }
      finished(lane, backend.id(), items.size());
    } catch (Throwable failure) {
      failed(lane, lease, backend, items, failure);
    }
    drain();
  }

  private EmbeddingBatch batchFor(EmbeddingBackend backend, List<PendingText> items) {
    List<String> texts = new ArrayList<>(items.size());
    items.forEach(item -> texts.add(item.text));
    if (!backend.needsTokens()) {
      return EmbeddingBatch.ofTexts(texts);
    }
    List<Tokens> rows = new ArrayList<>(items.size());
    int bucket = 0;
    int longest = 0;
    for (PendingText item : items) {
      rows.add(item.tokens);
      bucket = Math.max(bucket, item.bucket);
      longest = Math.max(longest, item.tokens.length());
    }
    return EmbeddingBatch.tokenized(texts, rows, settings.padToBucket() ? settings.buckets()[bucket] : longest);
  }

  private static void check(EmbeddingBackend backend, List<PendingText> items, List<float[]> vectors) {
    EmbeddingCheck.check(backend.id(), backend.dimensions(), items.size(), vectors);
  }

  private void failed(Lane lane, Lease lease, EmbeddingBackend backend, List<PendingText> items, Throwable error) {
    Throwable cause = FailureClassifier.unwrap(error);
    FailureKind kind = cause instanceof EmbeddingInputException ? FailureKind.REJECTED : classifier.classify(cause);
    if (kind == FailureKind.LOCAL) {
      kind = FailureKind.FAILED; // the backend's own code is the endpoint here
    }
    switch (kind) {
      case BUSY -> lease.busy();
      case REJECTED -> lease.clientError();
      default -> lease.failure(cause);
    }
    String endpoint = lease.endpoint().id();
    lock.lock();
    try {
      lane.inFlightBatches--;
      lane.inFlightItems -= items.size();
      if (kind != FailureKind.REJECTED) {
        lane.failed(endpoint, cause);
      }
      for (PendingText item : items) {
        item.lastFailure = cause;
        item.lastFailedOn = endpoint;
      }
      if (closed) {
        items.forEach(item -> fail(item, backend.id(), closedException()));
      } else if (items.size() > 1 && kind != FailureKind.BUSY) {
        metrics.split();
        int half = items.size() / 2;
        lane.retry(items.subList(half, items.size()), Set.of(endpoint)); // retried first: order is kept per half
        lane.retry(items.subList(0, half), Set.of(endpoint));
      } else {
        List<PendingText> again = new ArrayList<>();
        for (PendingText item : items) {
          item.attempts++;
          item.failedOn.add(endpoint);
          if (kind == FailureKind.REJECTED) {
            EmbeddingInputException refused = new EmbeddingInputException(item.index, "refused by " + endpoint
                + ": " + cause.getMessage());
            refused.initCause(cause);
            fail(item, backend.id(), refused);
          } else if (item.attempts < settings.maxAttempts()) {
            again.add(item);
          } else if (lane == local && cloud != null && cloud.pool.hasEligible(Selector.any())) {
            metrics.spill(local.name, cloud.name, SpillReason.RETRYABLE_FAILURE);
            cloud.enqueue(item, ticker.read());
          } else {
            fail(item, backend.id(), asHeadroom(endpoint, item.attempts, cause));
          }
        }
        if (!again.isEmpty()) {
          lane.retry(again, again.get(0).failedOn);
        }
      }
      signalIfIdle();
    } finally {
      lock.unlock();
    }
  }

  private void finished(Lane lane, String backend, int count) {
    lock.lock();
    try {
      lane.succeeded(backend);
      lane.inFlightBatches--;
      lane.inFlightItems -= count;
      signalIfIdle();
    } finally {
      lock.unlock();
    }
  }

  private void fail(PendingText item, String backend, Throwable error) {
    if (item.future.completeExceptionally(error)) {
      metrics.answered(backend == null ? "none" : backend, false, 1);
    }
  }

  private static HeadroomException asHeadroom(String endpoint, int attempts, Throwable cause) {
    if (cause instanceof HeadroomException headroom) {
      return headroom;
    }
    return new BackendException(endpoint, -1, "failed after " + attempts + " attempts: " + cause, "", cause);
  }

  // ---------------------------------------------------------------- closing

  /** Fails every queued text, then waits (at most {@code timeoutNanos}) for running batches to finish. */
  boolean close(long timeoutNanos) throws InterruptedException {
    List<PendingText> orphans = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      if (local != null) {
        orphans.addAll(local.removeAll());
      }
      if (cloud != null) {
        orphans.addAll(cloud.removeAll());
      }
      orphans.forEach(item -> fail(item, null, closedException()));
      room.signalAll();
      long remaining = timeoutNanos;
      while (inFlightBatches() > 0 && remaining > 0) {
        remaining = idle.awaitNanos(remaining);
      }
      return inFlightBatches() == 0;
    } finally {
      lock.unlock();
    }
  }

  private int inFlightBatches() {
    return (local == null ? 0 : local.inFlightBatches) + (cloud == null ? 0 : cloud.inFlightBatches);
  }

  private void signalIfIdle() {
    if (inFlightBatches() == 0) {
      idle.signalAll();
    }
  }

  private HeadroomException closedException() {
    return new HeadroomException("embedding pool '" + settings.name() + "' is closed");
  }

  /** The batching settings. */
  record Settings(String name, int maxBatchSize, long maxQueueDelayNanos, int[] buckets, boolean padToBucket,
      int warning, int critical, int maxAttempts) {}
}
