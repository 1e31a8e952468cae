package dev.headroom.redis;

import io.lettuce.core.RedisCommandExecutionException;
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
 * One namespace's view of L2: bounded waits, health accounting per master ({@link NodeHealth}: a key whose master is
 * down is not sent to L2 at all), per-key data faults, and the invalidations that could not reach L2, replayed when
 * it is back.
 *
 * <p>A data fault is a problem of one key, never of a node: a value that does not decode, a key that holds another
 * Redis type ({@code WRONGTYPE}) or a value over {@code maxValueBytes}. Each is a miss, is counted
 * ({@code headroom.cache.l2.errors} kind {@code decode}, {@code wrongtype}, {@code oversize}) and deleted (so the
 * next load fills it again); the first one of each kind is logged. Reads use {@code GETRANGE key 0 maxValueBytes}, so
 * an oversized value costs at most {@code maxValueBytes + 1} bytes on the wire, not the read timeout.
 */
final class NamespaceL2<V> {
  private static final Logger log = LoggerFactory.getLogger(NamespaceL2.class);
  private static final int MAX_PENDING = 10_000;
  /** SCAN's COUNT hint in pattern invalidations. */
  static final int SCAN_COUNT = 1_000;
  /** Keys per UNLINK in pattern invalidations. */
  static final int UNLINK_BATCH = 500;

  private final String namespace;
  private final String keyPrefix;
  private final String lockPrefix;
  private final L2Client l2;
  private final NodeHealth nodes;
  private final InvalidationBus bus;
  private final EnvelopeFormat<V> format;
  private final NamespaceMetrics metrics;
  private final long readTimeoutNanos;
  private final long writeTimeoutNanos;
  private final long commandTimeoutNanos;
  private final int durableReplicas;
  private final Duration durableTimeout;
  private final int maxValueBytes;
  private final Set<String> loggedDecodeFailures = ConcurrentHashMap.newKeySet();
  private final Set<String> loggedFaults = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> pending = new ConcurrentHashMap<>(); // key -> wall-clock time of the failed change
  private final java.time.Clock clock;
  private volatile boolean pendingOverflowLogged;

  NamespaceL2(CacheCluster cluster, String namespace, ValueCodec<V> codec, NamespaceMetrics metrics,
      int durableReplicas, Duration durableTimeout, int maxValueBytes) {
    ClusterSettings settings = cluster.settings();
    this.namespace = namespace;
    this.keyPrefix = settings.keyPrefix() + ':' + namespace + ':';
    this.lockPrefix = settings.keyPrefix() + ':' + namespace + "#loading:{"; // '#' is in no namespace: no value key
    this.l2 = cluster.l2();
    this.nodes = cluster.nodeHealth();
    this.bus = cluster.bus();
    this.format = new EnvelopeFormat<>(codec);
    this.metrics = metrics;
    this.clock = settings.wallClock();
    this.readTimeoutNanos = settings.readTimeout().toNanos();
    this.durableReplicas = durableReplicas;
    this.durableTimeout = durableTimeout;
    this.maxValueBytes = maxValueBytes;
    this.commandTimeoutNanos = settings.commandTimeout().toNanos();
    this.writeTimeoutNanos = settings.commandTimeout().toNanos() + (durableReplicas > 0 ? durableTimeout.toNanos() : 0);
  }

  String namespace() {
    return namespace;
  }

  String redisKey(String key) {
    return keyPrefix + key;
  }

  /**
   * The key's loading lock, {@code <prefix>:<namespace>#loading:{<tag>}:<key>}: in the value key's slot (the tag is
   * {@link SlotTags}' for that slot, whatever braces the key has), and never a value key (no namespace has a '#').
   */
  String lockKey(String key) {
    return lockPrefix + SlotTags.of(io.lettuce.core.cluster.SlotHash.getSlot(redisKey(key))) + "}:" + key;
  }

  /** Whether the master of the key's slot is usable (L2 up, the slot served, its master not marked down). */
  boolean usable(String key) {
    return nodes.usable(redisKey(key));
  }

  /** Reads one key within the read timeout; empty on a miss, an error, a timeout, a data fault or a down master. */
  Optional<Envelope<V>> read(String key, boolean fromMaster) {
    return lookup(key, fromMaster).found();
  }

  /**
   * What a read of one key found, and whether L2 answered it at all.
   *
   * @param found the value; empty on a miss and when L2 did not answer
   * @param answered false when the key's master is down, or the read failed or timed out
   */
  record Lookup<V>(Optional<Envelope<V>> found, boolean answered) {}

  /** {@link #read}, telling a miss from an L2 that did not answer. */
  Lookup<V> lookup(String key, boolean fromMaster) {
    String redisKey = redisKey(key);
    NodeHealth.Node node = nodes.owner(redisKey);
    if (node == null || node.down()) {
      return new Lookup<>(Optional.empty(), false);
    }
    CompletableFuture<byte[]> reply = l2.getPrefix(redisKey, maxValueBytes, fromMaster);
    waitFor(List.of(reply), System.nanoTime() + readTimeoutNanos);
    return handleRead(redisKey, node, reply);
  }

  /**
   * Reads many keys (one pipelined GETRANGE each); absent, failed and faulty keys, and down masters', are left out.
   * {@code missed} gets the keys that L2 answered as missing.
   */
  Map<String, Envelope<V>> readAll(List<String> keys, List<String> fromMaster, Set<String> missed) {
    Map<String, Envelope<V>> found = new HashMap<>();
    List<String> all = new ArrayList<>(keys.size() + fromMaster.size());
    all.addAll(keys);
    all.addAll(fromMaster);
    List<NodeHealth.Node> owners = new ArrayList<>(all.size());
    List<CompletableFuture<byte[]>> replies = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      String redisKey = redisKey(all.get(i));
      NodeHealth.Node node = nodes.owner(redisKey);
      owners.add(node);
      replies.add(node == null || node.down() ? null : l2.getPrefix(redisKey, maxValueBytes, i >= keys.size()));
    }
    // one deadline for all: a slow master's keys time out, the others' have long answered
    waitFor(replies, System.nanoTime() + readTimeoutNanos);
    for (int i = 0; i < all.size(); i++) {
      if (replies.get(i) != null) {
        String key = all.get(i);
        Lookup<V> lookup = handleRead(redisKey(key), owners.get(i), replies.get(i));
        if (lookup.found().isPresent()) {
          found.put(key, lookup.found().get());
        } else if (lookup.answered()) {
          missed.add(key);
        }
      }
    }
    return found;
  }

  private static void waitFor(List<CompletableFuture<byte[]>> replies, long deadline) {
    CompletableFuture<?>[] sent = replies.stream().filter(r -> r != null).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(sent).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // judged one by one below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Lookup<V> handleRead(String redisKey, NodeHealth.Node node, CompletableFuture<byte[]> future) {
    Reply<byte[]> reply = outcome(future, node);
    if (reply.fault()) {
      metrics.l2Miss.increment();
      fault(redisKey, metrics.l2WrongType, "holds another Redis type than a string (WRONGTYPE)");
      return new Lookup<>(Optional.empty(), true);
    }
    if (!reply.ok()) {
      return new Lookup<>(Optional.empty(), false);
    }
    Optional<Envelope<V>> found = accept(redisKey, reply.value());
    (found.isPresent() ? metrics.l2Hit : metrics.l2Miss).increment();
    return new Lookup<>(found, true);
  }

  /** The entry in bytes read from L2; empty for none, and for a data fault (counted, deleted). */
  private Optional<Envelope<V>> accept(String redisKey, byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return Optional.empty();
    }
    if (bytes.length > maxValueBytes) {
      fault(redisKey, metrics.l2Oversize, "holds a value over maxValueBytes " + maxValueBytes);
      return Optional.empty();
    }
    return decode(redisKey, bytes);
  }

  /** A per-key data fault: counted, deleted, logged once per kind; never a node failure. */
  private void fault(String redisKey, io.micrometer.core.instrument.Counter counter, String what) {
    counter.increment();
    if (loggedFaults.size() < 100 && loggedFaults.add(what)) {
      log.warn("cache '{}': an L2 entry {}; counting it as a miss and deleting it. Logged once per kind.", namespace,
          what);
    }
    l2.del(redisKey);
  }

  /** Writes a freshly loaded value without waiting: SET NX for a miss (never over a newer put), SET for a refresh. */
  void fill(String key, Envelope<V> envelope, boolean replace) {
    fill(key, envelope, replace, null);
  }

  /**
   * {@link #fill(String, Envelope, boolean)}; with a {@code lockToken} (a load that held the key's loading lock),
   * writes the value (SET NX) and releases the lock in one script, and releases it when the value cannot be written.
   */
  void fill(String key, Envelope<V> envelope, boolean replace, String lockToken) {
    String redisKey = redisKey(key);
    NodeHealth.Node node = nodes.owner(redisKey);
    if (node == null || node.down()) {
      return; // the lock, if any, expires; the waiters' polls fail on this master and they load themselves
    }
    byte[] bytes;
    try {
      bytes = format.encode(envelope);
    } catch (RuntimeException e) {
      log.warn("cache '{}': cannot encode a loaded value; it stays in L1 only: {}", namespace, e.getMessage());
      release(key, lockToken);
      return;
    }
    if (bytes.length > maxValueBytes) { // refused, not an error: the caller has its value, L1 keeps it
      metrics.l2Oversize.increment();
      if (loggedFaults.size() < 100 && loggedFaults.add("fill-oversize")) {
        log.warn("cache '{}': a loaded value is {} bytes encoded, over maxValueBytes {}; it stays in L1 only."
            + " Logged once.", namespace, bytes.length, maxValueBytes);
      }
      release(key, lockToken);
      return;
    }
    if (lockToken != null) {
      releaseWith(key, node, bytes, envelope.ttlMillis(), lockToken);
      return;
    }
    l2.set(redisKey, bytes, envelope.ttlMillis(), !replace).whenComplete((ok, error) -> {
      if (error != null) {
        metrics.l2Error.increment();
        node.failure(error);
      } else {
        node.success();
      }
    });
  }

  /**
   * The outcome of one {@link #claim} step.
   *
   * @param state what the key's master had
   * @param value the value, when {@code state} is {@link ClaimState#VALUE}
   */
  record Claim<V>(ClaimState state, Envelope<V> value) {}

  /** What a {@link #claim} found. */
  enum ClaimState {
    /** The value is in L2. */
    VALUE,
    /** No value, and the loading lock is now the caller's. */
    WON,
    /** No value, and another load holds the lock. */
    HELD,
    /** L2 did not answer in time, failed, or the key's master is down: load without the lock. */
    FAILED
  }

  /**
   * One atomic step on the key's master, waiting at most the read timeout: the value if L2 has it, else the key's
   * loading lock for {@code token} (for {@code lockTtlMillis}) if nobody holds it, else {@link ClaimState#HELD}
   * (and the holder learns that someone waits, so it announces its value).
   */
  Claim<V> claim(String key, String token, long lockTtlMillis) {
    String redisKey = redisKey(key);
    NodeHealth.Node node = nodes.owner(redisKey);
    if (node == null || node.down()) {
      return new Claim<>(ClaimState.FAILED, null);
    }
    Reply<List<Object>> reply = await(l2.claim(redisKey, lockKey(key), token, lockTtlMillis, maxValueBytes), node,
        readTimeoutNanos);
    if (!reply.ok() || reply.value() == null || reply.value().isEmpty()) {
      return new Claim<>(ClaimState.FAILED, null); // a data fault (WRONGTYPE) is the reads' to count and delete
    }
    long state = reply.value().get(0) instanceof Long n ? n : -1;
    if (state == 1 && reply.value().size() > 1) {
      Optional<Envelope<V>> found = accept(redisKey, (byte[]) reply.value().get(1));
      return found.isPresent() ? new Claim<>(ClaimState.VALUE, found.get()) : new Claim<>(ClaimState.FAILED, null);
    }
    return new Claim<>(state == 2 ? ClaimState.WON : state == 0 ? ClaimState.HELD : ClaimState.FAILED, null);
  }

  /**
   * Releases the key's loading lock if it is still {@code token}'s (a load that failed, or whose value cannot be
   * written), without waiting; when someone waited, announces it so that a waiter takes over at once.
   */
  void release(String key, String token) {
    if (token == null) {
      return;
    }
    NodeHealth.Node node = nodes.owner(redisKey(key));
    if (node != null && !node.down()) {
      releaseWith(key, node, null, 0, token);
    }
  }

  private void releaseWith(String key, NodeHealth.Node node, byte[] bytes, long ttlMillis, String token) {
    CompletableFuture<Long> sent;
    try {
      sent = l2.release(redisKey(key), bytes, ttlMillis, lockKey(key), token);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((released, error) -> {
      if (error != null) {
        metrics.l2Error.increment();
        node.failure(error);
        return;
      }
      node.success();
      if (released != null && released == 2) {
        publishLater(key); // wakes the waiters at once; they poll too, in case this message is lost
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
    String redisKey = redisKey(key);
    NodeHealth.Node node = nodes.owner(redisKey);
    if (node == null || node.down()) {
      remember(key);
      publishLater(key); // other instances still drop their L1 copy, if the channel's master is up
      return false;
    }
    CompletableFuture<Boolean> write = durableReplicas > 0
        ? l2.setDurably(redisKey, bytes, ttlMillis, durableReplicas, durableTimeout)
        : l2.set(redisKey, bytes, ttlMillis, false);
    long deadline = System.nanoTime() + writeTimeoutNanos;
    Reply<Boolean> reply = await(write, node, writeTimeoutNanos);
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

  /**
   * {@link #put} of many keys: the SETs pipelined per slot ({@link L2Client#setAll}; durably, one {@code WAIT} per
   * master), then one invalidation per key, all within one write timeout. Returns whether every write was
   * acknowledged and every invalidation published; a key whose write was not acknowledged is deleted from L2 later,
   * as after a failed {@link #put}.
   */
  boolean putAll(List<String> keys, List<byte[]> values, long[] ttlMillis) {
    boolean all = true;
    List<Integer> sent = new ArrayList<>();
    List<NodeHealth.Node> owners = new ArrayList<>();
    List<L2Client.Write> writes = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      NodeHealth.Node node = nodes.owner(redisKey(key));
      if (node == null || node.down()) {
        remember(key);
        all = false;
      } else {
        sent.add(i);
        owners.add(node);
        writes.add(new L2Client.Write(redisKey(key), values.get(i), ttlMillis[i]));
      }
    }
    long deadline = System.nanoTime() + writeTimeoutNanos;
    List<CompletableFuture<Boolean>> replies = l2.setAll(writes, durableReplicas, durableTimeout);
    try {
      CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // judged one by one below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<CompletableFuture<Boolean>> published = new ArrayList<>(keys.size());
    keys.forEach(key -> published.add(publishLater(key)));
    for (int n = 0; n < sent.size(); n++) {
      String key = keys.get(sent.get(n));
      Reply<Boolean> reply = outcome(replies.get(n), owners.get(n));
      if (!reply.ok()) {
        remember(key);
        all = false;
      } else {
        pending.remove(key);
        if (!reply.value()) {
          metrics.l2Unacknowledged.increment();
          all = false;
        }
      }
    }
    try {
      CompletableFuture.allOf(published.toArray(CompletableFuture[]::new))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false; // still retried in the background
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return all && published.stream().allMatch(p -> Boolean.TRUE.equals(p.join()));
  }

  /** What {@link #deleteMatching} did: L2 keys removed, every slot scanned, the invalidation published. */
  record Matching(long removed, boolean complete, boolean published) {}

  /**
   * Deletes every key of the namespace that matches {@code glob}: {@code SCAN} with {@code MATCH <prefix>:<ns>:<glob>}
   * on every master that serves slots, {@code UNLINK} of what each step found (in batches), then one pattern
   * invalidation on the namespace's channel. Each command waits at most the command timeout; a master that fails or
   * does not answer leaves the result incomplete (its slots unscanned), the others are still done. Keys written while
   * the scan runs may survive it.
   */
  Matching deleteMatching(RedisGlob glob) {
    String match = RedisGlob.escape(keyPrefix) + glob.glob();
    java.util.BitSet covered = new java.util.BitSet(io.lettuce.core.cluster.SlotHash.SLOT_COUNT);
    long removed = 0;
    boolean complete = true;
    for (io.lettuce.core.cluster.models.partitions.RedisClusterNode master : l2.mastersWithSlots()) {
      try {
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
          io.lettuce.core.KeyScanCursor<String> step = l2.scan(master.getNodeId(), cursor, match, SCAN_COUNT)
              .get(commandTimeoutNanos, TimeUnit.NANOSECONDS);
          List<String> found = step.getKeys();
          for (int from = 0; from < found.size(); from += UNLINK_BATCH) {
            List<String> batch = found.subList(from, Math.min(found.size(), from + UNLINK_BATCH));
            removed += l2.unlink(batch).get(commandTimeoutNanos, TimeUnit.NANOSECONDS);
          }
          cursor = step;
        } while (!cursor.isFinished());
        master.getSlots().forEach(covered::set);
      } catch (TimeoutException | ExecutionException e) {
        complete = false;
        log.warn("cache '{}': pattern invalidation '{}' could not scan master {}: {}", namespace, glob,
            master.getUri(), e.getCause() == null ? e.toString() : e.getCause().toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        complete = false;
        break;
      }
    }
    complete &= covered.cardinality() == io.lettuce.core.cluster.SlotHash.SLOT_COUNT;
    metrics.invalidationsSent.increment();
    CompletableFuture<Boolean> publishing = bus.publishMatching(namespace, glob.glob()).whenComplete((ok, error) -> {
      if (!Boolean.TRUE.equals(ok)) {
        metrics.l2PublishFailed.increment();
      }
    });
    boolean published;
    try {
      published = publishing.get(commandTimeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      published = false; // still retried in the background
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      published = false;
    }
    return new Matching(removed, complete, published);
  }

  /**
   * Encodes for {@link #put}; throws {@link IllegalArgumentException} when the codec cannot encode the value and
   * {@link CacheArgumentException} when it is over {@code maxValueBytes}.
   */
  byte[] encode(Envelope<V> envelope) {
    byte[] bytes = format.encode(envelope);
    if (bytes.length > maxValueBytes) {
      metrics.l2Oversize.increment();
      throw new CacheArgumentException(namespace, "value is " + bytes.length + " bytes encoded; at most maxValueBytes "
          + maxValueBytes + " allowed");
    }
    return bytes;
  }

  /** Deletes a key and publishes an invalidation; when L2 is down, remembers it for later. */
  boolean delete(String key) {
    NodeHealth.Node node = nodes.owner(redisKey(key));
    if (node == null || node.down()) {
      remember(key);
      publishLater(key);
      return false;
    }
    long deadline = System.nanoTime() + writeTimeoutNanos;
    Reply<Long> reply = await(l2.del(redisKey(key)), node, writeTimeoutNanos);
    boolean published = publish(key, deadline);
    if (!reply.ok()) {
      remember(key);
      return false;
    }
    return published;
  }

  /** Replays the deletes that could not reach L2 (called while L2 is up). */
  void replayPending() {
    if (pending.isEmpty()) {
      return;
    }
    for (Map.Entry<String, Long> entry : List.copyOf(pending.entrySet())) {
      String key = entry.getKey();
      if (!usable(key) || !pending.remove(key, entry.getValue())) { // its master is still down: later
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
      return Optional.of(format.decode(bytes));
    } catch (CacheDecodeException e) {
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

  /** A reply; {@code ok = false} when the command failed or timed out, {@code fault} for a per-key data fault. */
  private record Reply<T>(boolean ok, boolean fault, T value) {}

  private <T> Reply<T> await(CompletableFuture<T> future, NodeHealth.Node node, long timeoutNanos) {
    try {
      future.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // judged by outcome()
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply<>(false, false, null);
    }
    return outcome(future, node);
  }

  /** The outcome of a command that was waited for: a timeout or an error counts against the key's master. */
  private <T> Reply<T> outcome(CompletableFuture<T> future, NodeHealth.Node node) {
    if (!future.isDone()) {
      metrics.l2Timeout.increment();
      node.failure(new TimeoutException("no reply within the timeout"));
      return new Reply<>(false, false, null);
    }
    try {
      T value = future.join();
      node.success();
      return new Reply<>(true, false, value);
    } catch (java.util.concurrent.CancellationException | java.util.concurrent.CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (isDataFault(cause)) {
        node.success(); // the node answered: the key is the problem
        return new Reply<>(false, true, null);
      }
      metrics.l2Error.increment();
      node.failure(cause);
      return new Reply<>(false, false, null);
    }
  }

  /** A Redis error about the key, not the node: it holds another type. */
  static boolean isDataFault(Throwable cause) {
    return cause instanceof RedisCommandExecutionException && cause.getMessage() != null
        && cause.getMessage().startsWith("WRONGTYPE");
  }
}
