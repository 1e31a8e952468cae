package dev.headroom.redis;

import dev.headroom.core.time.Ticker;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load path of one namespace, behind {@link TieredCache#get(Object, CacheLoader)}: after an L1 miss, one flight
 * per key in this JVM reads L2 and, on a miss there too, calls the loader (other callers of the key wait for that
 * flight) unless another replica is loading the key ({@link ReplicaFlight}); the loader's failures become typed
 * exceptions; the running estimate of the load time feeds XFetch early refresh, which reloads a hot key in the
 * background shortly before it expires.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class CacheLoads<K, V> {
  private static final Logger log = LoggerFactory.getLogger(TieredCache.class);

  private final String namespace;
  private final L1Store<V> l1;
  private final NamespaceL2<V> l2;
  private final ReplicaFlight<V> replicas;
  private final L1Sync<V> sync;
  private final TtlTuner tuner;
  private final NamespaceMetrics metrics;
  private final Ticker ticker;
  private final Clock clock;
  private final double beta;
  private final Executor refreshExecutor;
  private final Map<String, CompletableFuture<Envelope<V>>> flights = new ConcurrentHashMap<>();
  private volatile long loadMicrosEstimate;

  CacheLoads(String namespace, L1Store<V> l1, NamespaceL2<V> l2, ReplicaFlight<V> replicas, L1Sync<V> sync,
      TtlTuner tuner, NamespaceMetrics metrics, Ticker ticker, Clock clock, double beta, Executor refreshExecutor) {
    this.namespace = namespace;
    this.l1 = l1;
    this.l2 = l2;
    this.replicas = replicas;
    this.sync = sync;
    this.tuner = tuner;
    this.metrics = metrics;
    this.ticker = ticker;
    this.clock = clock;
    this.beta = beta;
    this.refreshExecutor = refreshExecutor;
  }

  /** The smoothed time the loader took, in microseconds (0 before the first load). */
  long loadMicrosEstimate() {
    return loadMicrosEstimate;
  }

  /** The value of a key that L1 does not hold: from L2, or loaded, sharing one flight per key. */
  V getMissing(K key, String text, CacheLoader<? super K, ? extends V> loader) {
    CompletableFuture<Envelope<V>> mine = new CompletableFuture<>();
    CompletableFuture<Envelope<V>> running = flights.putIfAbsent(text, mine);
    if (running != null) {
      metrics.coalesced.increment();
      return join(running).value();
    }
    Envelope<V> envelope;
    boolean fromL2;
    try {
      NamespaceL2.Lookup<V> lookup = l2.lookup(text, l1.readFromMaster(text));
      Optional<Envelope<V>> found = lookup.found();
      fromL2 = found.isPresent();
      if (fromL2) {
        envelope = found.get();
        sync.keep(text, envelope);
        tuner.record(true);
      } else {
        tuner.record(false);
        if (lookup.answered()) {
          sync.missed(text);
        }
        ReplicaFlight.Turn<V> turn = replicas.begin(text, lookup.answered());
        if (turn.value() != null) {
          envelope = turn.value(); // another replica loaded it
          sync.keep(text, envelope);
        } else {
          envelope = loadHoldingLock(key, text, loader, turn.lockToken());
        }
      }
      mine.complete(envelope);
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      flights.remove(text, mine);
    }
    if (fromL2) {
      maybeRefreshEarly(key, text, envelope, loader); // after the flight is gone, so the refresh can start one
    }
    return envelope.value();
  }

  /** XFetch: reload before expiry with a probability that grows as expiry nears, scaled by the load time. */
  void maybeRefreshEarly(K key, String text, Envelope<V> cached, CacheLoader<? super K, ? extends V> loader) {
    if (beta <= 0) {
      return;
    }
    long delta = cached.loadMicros() > 0 ? cached.loadMicros() : loadMicrosEstimate;
    if (delta <= 0) {
      return;
    }
    double rand = 1 - ThreadLocalRandom.current().nextDouble(); // (0, 1]
    double now = clock.millis();
    if (now - (delta / 1000.0) * beta * Math.log(rand) < cached.expiresAtMillis()) {
      return;
    }
    CompletableFuture<Envelope<V>> mine = new CompletableFuture<>();
    if (flights.putIfAbsent(text, mine) != null) {
      return;
    }
    try {
      refreshExecutor.execute(() -> {
        try {
          mine.complete(load(key, text, loader, true));
        } catch (RuntimeException | Error e) {
          mine.completeExceptionally(e);
          log.debug("cache '{}': early refresh failed; the cached value stays until it expires", namespace, e);
        } finally {
          flights.remove(text, mine);
        }
      });
    } catch (RejectedExecutionException e) {
      flights.remove(text, mine);
      mine.complete(cached);
    }
  }

  /** Loads a missing key; with a lock token, the fill releases the lock, and a failed load releases it too. */
  private Envelope<V> loadHoldingLock(K key, String text, CacheLoader<? super K, ? extends V> loader,
      String lockToken) {
    try {
      return load(key, text, loader, false, lockToken);
    } catch (RuntimeException | Error e) {
      l2.release(text, lockToken); // a waiting replica takes over at once
      throw e;
    }
  }

  private Envelope<V> load(K key, String text, CacheLoader<? super K, ? extends V> loader, boolean early) {
    return load(key, text, loader, early, null);
  }

  private Envelope<V> load(K key, String text, CacheLoader<? super K, ? extends V> loader, boolean early,
      String lockToken) {
    long start = ticker.read();
    V value;
    try {
      value = loader.load(key);
    } catch (RuntimeException | Error e) {
      metrics.loadFailure.increment();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      metrics.loadFailure.increment();
      throw new CacheLoadException(namespace, "interrupted while loading key '" + TieredCache.excerpt(text) + "'", e);
    } catch (Exception e) {
      metrics.loadFailure.increment();
      throw new CacheLoadException(namespace, "loader failed for key '" + TieredCache.excerpt(text) + "': " + e, e);
    }
    if (value == null) {
      metrics.loadFailure.increment();
      throw new CacheLoadException(namespace, "loader returned null for key '" + TieredCache.excerpt(text) + "'",
          null);
    }
    long took = Math.max(0, ticker.read() - start);
    metrics.loadTime(took);
    (early ? metrics.earlyRefresh : metrics.loadSuccess).increment();
    long micros = took / 1_000;
    loadMicrosEstimate = loadMicrosEstimate == 0 ? micros : (loadMicrosEstimate * 7 + micros) / 8;
    long now = clock.millis();
    Envelope<V> envelope = new Envelope<>(value, now, now + tuner.ttlMillisForWrite(), micros);
    sync.keep(text, envelope);
    l2.fill(text, envelope, early, lockToken);
    return envelope;
  }

  private Envelope<V> join(CompletableFuture<Envelope<V>> flight) {
    try {
      return flight.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new CacheLoadException(namespace, "load failed", cause);
    }
  }
}
