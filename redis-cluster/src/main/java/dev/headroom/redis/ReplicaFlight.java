package dev.headroom.redis;

import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cross-replica single flight for one namespace: on an L2 miss, before the loader runs, the one flight of this
 * process for the key (see {@link CacheLoads}) takes the key's loading lock in L2, or waits a bounded time for the
 * replica that holds it.
 *
 * <ul>
 *   <li>One script on the key's master ({@link NamespaceL2#claim}): the value if it is there (a replica read may have
 *       lagged), else {@code SET lock token NX PX maxWait}, else "held". The lock lives in the value's slot.
 *   <li>The holder loads, then writes the value and deletes its lock in one script; when someone waited it publishes
 *       the key on the namespace's invalidation channel, which wakes the waiters.
 *   <li>A waiter repeats the script when woken, or at growing intervals ({@value #FIRST_POLL_MILLIS} ms doubling to
 *       {@value #MAX_POLL_MILLIS} ms, in case the message is lost): it gets the value, or takes the lock when it is
 *       gone without a value (the holder's loader failed, or its process died and the lock expired) and loads. After
 *       {@code maxWait} it loads without the lock.
 *   <li>When L2 does not answer (the first read failed, a script timed out or failed, the key's master is down) the
 *       loader runs here at once, as without this feature: a fault never makes a load fail, nor wait beyond the read
 *       timeout.
 * </ul>
 *
 * <p>The lock's TTL is {@code maxWait}: a dead holder delays the others by at most that. A load slower than
 * {@code maxWait} is done twice or more (the waiters give up; the lock expires); a caller that cannot wait gets the
 * same bound either way.
 *
 * @param <V> the value type
 */
final class ReplicaFlight<V> {
  static final long FIRST_POLL_MILLIS = 20;
  static final long MAX_POLL_MILLIS = 200;

  private final boolean enabled;
  private final long maxWaitNanos;
  private final NamespaceL2<V> l2;
  private final NamespaceMetrics metrics;
  private final Ticker ticker;
  private final String instanceId;
  private final AtomicLong tokens = new AtomicLong();
  private final Map<String, CompletableFuture<Void>> wakers = new ConcurrentHashMap<>();

  /** {@code maxWait} null: off. */
  ReplicaFlight(Duration maxWait, NamespaceL2<V> l2, NamespaceMetrics metrics, Ticker ticker, String instanceId) {
    this.enabled = maxWait != null;
    this.maxWaitNanos = maxWait == null ? 0 : maxWait.toNanos();
    this.l2 = l2;
    this.metrics = metrics;
    this.ticker = ticker;
    this.instanceId = instanceId;
  }

  /**
   * How this process's flight of a key that L2 just missed goes on: with the value another replica loaded, or by
   * calling the loader here, holding the key's loading lock ({@code lockToken}) or not.
   *
   * @param value the value another replica loaded, or null: call the loader
   * @param lockToken the lock held by this flight (pass it to {@link NamespaceL2#fill} or release it), or null
   */
  record Turn<V>(Envelope<V> value, String lockToken) {
    static <V> Turn<V> loadHere() {
      return new Turn<>(null, null);
    }
  }

  /**
   * Takes the key's loading lock, or waits (at most {@code maxWait}) for the replica that holds it.
   *
   * @param l2Answered whether the read that missed got an answer from L2 (when not, L2 is not asked again)
   */
  Turn<V> begin(String key, boolean l2Answered) {
    if (!enabled) {
      return Turn.loadHere();
    }
    if (!l2Answered) {
      metrics.flightSkipped.increment();
      return Turn.loadHere();
    }
    String token = instanceId + ':' + tokens.incrementAndGet();
    long lockTtlMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(maxWaitNanos));
    CompletableFuture<Void> wake = listen(key); // before the first claim: a value announced after it is not missed
    try {
      NamespaceL2.Claim<V> claim = l2.claim(key, token, lockTtlMillis);
      if (claim.state() != NamespaceL2.ClaimState.HELD) {
        return settle(claim, token, false);
      }
      long start = ticker.read();
      long deadline = start + maxWaitNanos;
      long pause = TimeUnit.MILLISECONDS.toNanos(FIRST_POLL_MILLIS);
      metrics.flightsWaiting.incrementAndGet();
      try {
        while (true) {
          long left = deadline - ticker.read();
          if (left <= 0) {
            metrics.flightTimedOut.increment();
            return Turn.loadHere();
          }
          pause(wake, Math.min(pause, left));
          pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(MAX_POLL_MILLIS));
          wake = listen(key);
          claim = l2.claim(key, token, lockTtlMillis);
          if (claim.state() != NamespaceL2.ClaimState.HELD) {
            return settle(claim, token, true);
          }
        }
      } finally {
        metrics.flightsWaiting.decrementAndGet();
        metrics.flightWait.record(Math.max(0, ticker.read() - start), TimeUnit.NANOSECONDS);
      }
    } finally {
      wakers.remove(key, wake);
    }
  }

  /** The namespace's invalidation channel carried the key: a waiter for it tries again now. */
  void wake(String key) {
    CompletableFuture<Void> waker = wakers.remove(key);
    if (waker != null) {
      waker.complete(null);
    }
  }

  private Turn<V> settle(NamespaceL2.Claim<V> claim, String token, boolean waited) {
    switch (claim.state()) {
      case VALUE -> {
        metrics.flightReceived.increment();
        return new Turn<>(claim.value(), null);
      }
      case WON -> {
        (waited ? metrics.flightTookOver : metrics.flightLoaded).increment();
        return new Turn<>(null, token);
      }
      default -> {
        metrics.flightSkipped.increment();
        return Turn.loadHere();
      }
    }
  }

  private CompletableFuture<Void> listen(String key) {
    CompletableFuture<Void> waker = new CompletableFuture<>();
    wakers.put(key, waker); // one flight per key in this process: at most one waiter per key
    return waker;
  }

  private void pause(CompletableFuture<Void> wake, long nanos) {
    try {
      wake.get(nanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // time to poll
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheLoadException(l2.namespace(), "interrupted while waiting for another replica's load", e);
    }
  }
}
