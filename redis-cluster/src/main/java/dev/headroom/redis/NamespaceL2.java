package dev.headroom.redis;

import io.lettuce.core.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace's view of L2: bounded waits, health accounting, decoding (a value that does not decode is a miss: it
 * is deleted and the first one of each kind is logged), and the invalidations that could not reach L2 while it was
 * down, replayed when it is back.
 */
final class NamespaceL2<V> {
  private static final Logger log = LoggerFactory.getLogger(NamespaceL2.class);
  private static final int MAX_PENDING = 10_000;

  private final String namespace;
  private final String keyPrefix;
  private final L2Client l2;
  private final L2Health health;
  private final InvalidationBus bus;
  private final EnvelopeFormat<V> format;
  private final NamespaceMetrics metrics;
  private final long readTimeoutNanos;
  private final long writeTimeoutNanos;
  private final int durableReplicas;
  private final Duration durableTimeout;
  private final Set<String> loggedDecodeFailures = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> pending = new ConcurrentHashMap<>(); // key -> wall-clock time of the failed change
  private final java.time.Clock clock;
  private volatile boolean pendingOverflowLogged;

  NamespaceL2(CacheCluster cluster, String namespace, ValueCodec<V> codec, NamespaceMetrics metrics,
      int durableReplicas, Duration durableTimeout) {
    ClusterSettings settings = cluster.settings();
    this.namespace = namespace;
    this.keyPrefix = settings.keyPrefix() + ':' + namespace + ':';
    this.l2 = cluster.l2();
    this.health = cluster.l2Health();
    this.bus = cluster.bus();
    this.format = new EnvelopeFormat<>(codec);
    this.metrics = metrics;
    this.clock = settings.wallClock();
    this.readTimeoutNanos = settings.readTimeout().toNanos();
    this.durableReplicas = durableReplicas;
    this.durableTimeout = durableTimeout;
    this.writeTimeoutNanos = settings.commandTimeout().toNanos() + (durableReplicas > 0 ? durableTimeout.toNanos() : 0);
  }

  String redisKey(String key) {
    return keyPrefix + key;
  }

  boolean up() {
    return health.isUp();
  }

  /** Reads one key within the read timeout; empty on a miss, an error, a timeout or when L2 is down. */
  Optional<Envelope<V>> read(String key, boolean fromMaster) {
    if (!health.isUp()) {
      return Optional.empty();
    }
    String redisKey = redisKey(key);
    Reply<byte[]> reply = await(l2.get(redisKey, fromMaster), readTimeoutNanos);
    if (!reply.ok()) {
      return Optional.empty();
    }
    byte[] bytes = reply.value();
    if (bytes == null) {
      metrics.l2Miss.increment();
      return Optional.empty();
    }
    return decode(redisKey, bytes);
  }

  /** Reads many keys with one (cross-slot) MGET per routing; absent, failed and undecodable keys are left out. */
  Map<String, Envelope<V>> readAll(List<String> keys, List<String> fromMaster) {
    Map<String, Envelope<V>> found = new HashMap<>();
    if (!health.isUp()) {
      return found;
    }
    readBatch(keys, false, found);
    readBatch(fromMaster, true, found);
    return found;
  }

  private void readBatch(List<String> keys, boolean fromMaster, Map<String, Envelope<V>> found) {
    if (keys.isEmpty()) {
      return;
    }
    List<String> redisKeys = new ArrayList<>(keys.size());
    keys.forEach(k -> redisKeys.add(redisKey(k)));
    Reply<List<KeyValue<String, byte[]>>> reply = await(l2.mget(redisKeys, fromMaster), readTimeoutNanos);
    if (!reply.ok()) {
      return;
    }
    List<KeyValue<String, byte[]>> values = reply.value();
    for (int i = 0; i < values.size() && i < keys.size(); i++) {
      KeyValue<String, byte[]> value = values.get(i);
      if (value.hasValue()) {
        String key = keys.get(i);
        decode(value.getKey(), value.getValue()).ifPresent(e -> found.put(key, e));
      } else {
        metrics.l2Miss.increment();
      }
    }
  }

  /** Writes a freshly loaded value without waiting: SET NX for a miss (never over a newer put), SET for a refresh. */
  void fill(String key, Envelope<V> envelope, boolean replace) {
    if (!health.isUp()) {
      return;
    }
    byte[] bytes;
    try {
      bytes = format.encode(envelope);
    } catch (RuntimeException e) {
      log.warn("cache '{}': cannot encode a loaded value; it stays in L1 only: {}", namespace, e.getMessage());
      return;
    }
    l2.set(redisKey(key), bytes, envelope.ttlMillis(), !replace).whenComplete((ok, error) -> {
      if (error != null) {
        metrics.l2Error.increment();
        health.failure(error);
      } else {
        health.success();
      }
    });
  }

  /**
   * Writes a value and waits for the acknowledgement (with durable writes: of the master and the replicas), then
   * publishes an invalidation and waits (within the same write timeout) until the channel's node took it. Returns
   * whether both happened; when the write was not acknowledged the key is deleted from L2 later, when the
   * invalidation was not published it is retried in the background (and instances that lost their subscription
   * meanwhile have dropped their L1 by themselves).
   */
  boolean put(String key, byte[] bytes, long ttlMillis) {
    if (!health.isUp()) {
      remember(key);
      return false;
    }
    String redisKey = redisKey(key);
    CompletableFuture<Boolean> write = durableReplicas > 0
        ? l2.setDurably(redisKey, bytes, ttlMillis, durableReplicas, durableTimeout)
        : l2.set(redisKey, bytes, ttlMillis, false);
    long deadline = System.nanoTime() + writeTimeoutNanos;
    Reply<Boolean> reply = await(write, writeTimeoutNanos);
    boolean published = publish(key, deadline);
    if (!reply.ok()) {
      remember(key);
      return false;
    }
    pending.remove(key); // this write replaced whatever a pending delete was meant for
    if (!reply.value()) {
      metrics.l2Unacknowledged.increment(); // written on the master, not yet on enough replicas
    }
    return reply.value() && published;
  }

  /** Encodes for {@link #put}; throws {@link IllegalArgumentException} when the codec cannot encode the value. */
  byte[] encode(Envelope<V> envelope) {
    return format.encode(envelope);
  }

  /** Deletes a key and publishes an invalidation; when L2 is down, remembers it for later. */
  boolean delete(String key) {
    if (!health.isUp()) {
      remember(key);
      return false;
    }
    long deadline = System.nanoTime() + writeTimeoutNanos;
    Reply<Long> reply = await(l2.del(redisKey(key)), writeTimeoutNanos);
    boolean published = publish(key, deadline);
    if (!reply.ok()) {
      remember(key);
      return false;
    }
    return published;
  }

  /** Replays the deletes that could not reach L2 (called while L2 is up). */
  void replayPending() {
    if (pending.isEmpty() || !health.isUp()) {
      return;
    }
    for (Map.Entry<String, Long> entry : List.copyOf(pending.entrySet())) {
      String key = entry.getKey();
      if (!pending.remove(key, entry.getValue())) {
        continue;
      }
      // only values written no later than the failed change: a newer put (here or elsewhere) survives
      l2.deleteIfNotNewer(redisKey(key), entry.getValue()).whenComplete((deleted, error) -> {
        if (error != null) {
          pending.merge(key, entry.getValue(), Math::max);
        } else {
          publishLater(key);
        }
      });
    }
  }

  int pendingCount() {
    return pending.size();
  }

  private void remember(String key) {
    if (pending.size() < MAX_PENDING || pending.containsKey(key)) {
      pending.merge(key, clock.millis(), Math::max);
    } else if (!pendingOverflowLogged) {
      pendingOverflowLogged = true;
      log.warn("cache '{}': more than {} invalidations are waiting for L2; further ones are dropped and may leave"
          + " stale entries in L2 until their TTL", namespace, MAX_PENDING);
    }
  }

  /** Publishes an invalidation and waits until {@code deadline} for the channel's node to take it. */
  private boolean publish(String key, long deadline) {
    CompletableFuture<Boolean> published = publishLater(key);
    try {
      return published.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false; // still retried in the background
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private CompletableFuture<Boolean> publishLater(String key) {
    metrics.invalidationsSent.increment();
    return bus.publish(namespace, key).whenComplete((ok, error) -> {
      if (!Boolean.TRUE.equals(ok)) {
        metrics.l2PublishFailed.increment();
      }
    });
  }

  private Optional<Envelope<V>> decode(String redisKey, byte[] bytes) {
    try {
      Envelope<V> envelope = format.decode(bytes);
      metrics.l2Hit.increment();
      return Optional.of(envelope);
    } catch (CacheDecodeException e) {
      metrics.l2Miss.increment();
      metrics.l2Decode.increment();
      String kind = EnvelopeFormat.describe(bytes);
      if (loggedDecodeFailures.size() < 100 && loggedDecodeFailures.add(kind)) {
        log.warn("cache '{}': an L2 entry written as {} does not decode ({}); counting it as a miss and deleting it."
            + " Logged once per kind.", namespace, kind, e.getMessage());
      }
      l2.del(redisKey);
      return Optional.empty();
    }
  }

  /** A reply, or {@code ok = false} when the command failed or timed out. */
  private record Reply<T>(boolean ok, T value) {}

  private <T> Reply<T> await(CompletableFuture<T> future, long timeoutNanos) {
    try {
      T value = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
      health.success();
      return new Reply<>(true, value);
    } catch (TimeoutException e) {
      metrics.l2Timeout.increment();
      health.failure(e);
    } catch (ExecutionException e) {
      metrics.l2Error.increment();
      health.failure(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Reply<>(false, null);
  }
}
