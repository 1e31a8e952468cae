package dev.headroom.npu;

import dev.headroom.core.Pool;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queues of one tier of an {@link EmbeddingPool} (local devices and workers, or the cloud): one FIFO per length
 * bucket, plus batches that failed and wait to be retried. Not thread-safe: the {@link Batcher} guards it.
 */
final class Lane {
  final String name;
  final Pool pool;
  /** The backends by pool endpoint id; changed at run time by {@link EmbeddingMembers}, read under the lock. */
  final Map<String, EmbeddingBackend> backends;
  private final Deque<PendingText>[] buckets;
  private final Deque<Retry> retries = new ArrayDeque<>();
  /** The last failure of each backend that has not succeeded since, oldest first. */
  private final Map<String, Throwable> lastFailures = new LinkedHashMap<>();
  private int pending;
  int inFlightBatches;
  int inFlightItems;
  long timerAt = Long.MAX_VALUE;

  @SuppressWarnings("unchecked")
  Lane(String name, Pool pool, Map<String, EmbeddingBackend> backends, int bucketCount) {
    this.name = name;
    this.pool = pool;
    this.backends = new ConcurrentHashMap<>(backends); // backends join and leave at run time
    this.buckets = new Deque[bucketCount];
    for (int i = 0; i < bucketCount; i++) {
      buckets[i] = new ArrayDeque<>();
    }
  }

  int pending() {
    return pending;
  }

  void enqueue(PendingText item, long now) {
    item.enqueuedAt = now;
    buckets[item.bucket].addLast(item);
    pending++;
  }

  /** Queues a failed batch (or half of one) for another try, ahead of fresh texts. */
  void retry(List<PendingText> items, Set<String> excluding) {
    retries.addFirst(new Retry(new ArrayList<>(items), new HashSet<>(excluding)));
    pending += items.size();
  }

  /**
   * What should go out next, without taking it: a retry, a full bucket, or the bucket whose oldest text has waited
   * {@code delayNanos}; null when nothing is due.
   */
  Ready nextReady(long now, int maxBatch, long delayNanos) {
    while (!retries.isEmpty() && retries.peekFirst().items.stream().allMatch(PendingText::isDone)) {
      pending -= retries.pollFirst().items.size();
    }
    if (!retries.isEmpty()) {
      return new Ready(-1, retries.peekFirst().excluding);
    }
    int best = -1;
    long bestAt = Long.MAX_VALUE;
    boolean bestFull = false;
    for (int b = 0; b < buckets.length; b++) {
      purgeDone(b);
      Deque<PendingText> queue = buckets[b];
      if (queue.isEmpty()) {
        continue;
      }
      boolean full = queue.size() >= maxBatch;
      long at = queue.peekFirst().enqueuedAt;
      boolean due = full || now - at >= delayNanos;
      if (due && (best < 0 || (full && !bestFull) || (full == bestFull && at < bestAt))) {
        best = b;
        bestAt = at;
        bestFull = full;
      }
    }
    return best < 0 ? null : new Ready(best, Set.of());
  }

  /** Takes up to {@code limit} texts of what {@link #nextReady} chose. */
  List<PendingText> take(Ready ready, int limit) {
    List<PendingText> out = new ArrayList<>(Math.min(limit, 64));
    if (ready.bucket < 0) {
      Retry retry = retries.pollFirst();
      List<PendingText> rest = new ArrayList<>();
      for (PendingText item : retry.items) {
        pending--;
        if (item.isDone()) {
          continue;
        }
        if (out.size() < limit) {
          out.add(item);
        } else {
          rest.add(item);
        }
      }
      if (!rest.isEmpty()) {
        retry(rest, retry.excluding);
      }
      return out;
    }
    Deque<PendingText> queue = buckets[ready.bucket];
    while (out.size() < limit && !queue.isEmpty()) {
      PendingText item = queue.pollFirst();
      pending--;
      if (!item.isDone()) {
        out.add(item);
      }
    }
    return out;
  }

  /**
   * When the next bucket that is not yet due falls due; Long.MAX_VALUE when there is none. Buckets already due but
   * waiting for a free slot need no timer: the batch that frees the slot drains the lane.
   */
  long nextDue(long now, long delayNanos) {
    long earliest = Long.MAX_VALUE;
    for (Deque<PendingText> queue : buckets) {
      if (!queue.isEmpty()) {
        long due = queue.peekFirst().enqueuedAt + delayNanos;
        if (due - now > 0) {
          earliest = Math.min(earliest, due);
        }
      }
    }
    return earliest;
  }

  /** Removes and returns every queued text. */
  List<PendingText> removeAll() {
    List<PendingText> out = new ArrayList<>(pending);
    for (Retry retry : retries) {
      out.addAll(retry.items);
    }
    retries.clear();
    for (Deque<PendingText> queue : buckets) {
      out.addAll(queue);
      queue.clear();
    }
    pending = 0;
    return out;
  }

  private void purgeDone(int bucket) {
    Deque<PendingText> queue = buckets[bucket];
    while (!queue.isEmpty() && queue.peekFirst().isDone()) {
      queue.pollFirst();
      pending--;
    }
  }

  void failed(String backend, Throwable cause) {
    lastFailures.remove(backend);
    lastFailures.put(backend, cause);
  }

  void succeeded(String backend) {
    lastFailures.remove(backend);
  }

  /** The most recent failure of a backend that has not succeeded since, or null. */
  Throwable lastFailure() {
    Throwable last = null;
    for (Throwable t : lastFailures.values()) {
      last = t;
    }
    return last;
  }

  /** {@code "'npu-1': <its last failure>; 'npu-2': ..."}, or empty when no backend is failing. */
  String lastFailures() {
    StringBuilder text = new StringBuilder();
    lastFailures.forEach((backend, cause) -> text.append(text.length() == 0 ? "" : "; ").append('\'')
        .append(backend).append("': ").append(Batcher.describe(cause)));
    return text.toString();
  }

  /** A failed batch waiting for another try, and the endpoints it failed on. */
  private record Retry(List<PendingText> items, Set<String> excluding) {}

  /** What to send next: a bucket index, or -1 for the first retry. */
  record Ready(int bucket, Set<String> excluding) {}
}
