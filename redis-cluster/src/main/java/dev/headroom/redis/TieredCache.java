package dev.headroom.redis;

import dev.headroom.core.Checks;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace of a two-tier cache: L1 in this JVM (Caffeine, bounded, entries live no longer than in L2) over L2 in
 * a Redis Cluster shared by every instance ({@link CacheCluster}), with a TTL that a {@link TtlTuner} keeps at the
 * namespace's hit-rate target.
 *
 * <pre>{@code
 * TieredCache<String, Answer> fast = TieredCache.builder(cluster, "fast", JacksonCodec.of(Answer.class, 1))
 *     .l1(10_000, Duration.ofSeconds(60))
 *     .ttl(TtlPolicy.builder().initialTtl(Duration.ofMinutes(5)).targetHitRate(0.60, 0.75).build())
 *     .build();
 * Answer answer = fast.get(promptHash, key -> model.answer(prompt));
 * }</pre>
 *
 * <ul>
 *   <li>{@link #get(Object, CacheLoader)} loads a key at most once at a time in this JVM (callers of the same key
 *       wait for the one load), and by default once across the replicas that share the cluster (the others wait a
 *       bounded time for its value: {@link Builder#replicaSingleFlight(Duration)}); with early refresh on, it
 *       reloads a hot key shortly before it expires (XFetch: when {@code now − δ·β·ln(rand) ≥ expiry}, δ being how
 *       long the load took), in the background.
 *   <li>{@link #put} and {@link #invalidate} publish an invalidation that drops the key from every other instance's
 *       L1; a refill within a short window reads from the master, never a lagging replica. {@link #putAll} writes
 *       many keys pipelined per slot, {@link #put(Object, Object, Duration)} takes a TTL of its own, and
 *       {@link #invalidateMatching} removes every key matching a glob from L2 on every master and from every
 *       instance's L1.
 *   <li>{@link #warm(Map)}, {@link #warm(Collection, CacheLoader)}, {@link Builder#warmOnStartup} and
 *       {@link Builder#warmEvery} fill the cache ahead of the reads.
 *   <li>When L2 is slow or down, reads wait at most the cluster's read timeout, then {@code get(key, loader)} serves
 *       from L1 or the loader and plain {@link #get(Object)} returns empty: degradation, never an outage.
 * </ul>
 *
 * <p>Thread-safe. Keys and values must not be null, and a key's text must be valid UTF-16 (no unpaired surrogate:
 * Redis keys are UTF-8, where two keys differing only there would collide) ({@link CacheArgumentException}).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TieredCache<K, V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TieredCache.class);
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int MAX_KEY_LENGTH = 1024;
  /** The default wait of {@link Builder#replicaSingleFlight(Duration)}: 5 s. */
  public static final Duration DEFAULT_REPLICA_SINGLE_FLIGHT_WAIT = Duration.ofSeconds(5);
  /** The longest wait {@link Builder#replicaSingleFlight(Duration)} accepts: 10 min. */
  public static final Duration MAX_REPLICA_SINGLE_FLIGHT_WAIT = Duration.ofMinutes(10);
  /** The default {@link Builder#maxValueBytes}: 1 MiB. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;

  private final String namespace;
  private final CacheCluster cluster;
  private final KeyCodec<K> keys;
  private final L1Store<V> l1;
  private final NamespaceL2<V> l2;
  private final TtlTuner tuner;
  private final NamespaceMetrics metrics;
  private final Clock clock;
  private final L1Sync<V> sync;
  private final CacheLoads<K, V> loads;
  private final Scheduler scheduler;
  private final Executor warmExecutor;
  private final Supplier<? extends Map<? extends K, ? extends V>> warmSource;
  private final Duration warmInterval;
  private final Object warmLock = new Object();
  private Scheduler.Cancellable warmTask;
  private boolean closed;

  private TieredCache(TieredCacheSettings<K, V> s) {
    this.namespace = s.namespace();
    this.cluster = s.cluster();
    this.keys = s.keys();
    ClusterSettings settings = cluster.settings();
    Ticker ticker = settings.ticker();
    this.clock = settings.wallClock();
    this.l1 = new L1Store<>(s.l1Enabled(), s.l1MaximumSize(), s.l1Ttl(), ticker, clock, settings.masterReadWindow());
    this.tuner = TtlTuner.create(namespace, s.ttl(), ticker, cluster::memoryPressure, cluster::tunerFrozen,
        () -> ThreadLocalRandom.current().nextDouble());
    this.metrics = new NamespaceMetrics(cluster.registry(), cluster.name(), namespace, tuner, l1::size);
    ExpiryWatch expiries = new ExpiryWatch(s.l1Enabled() ? s.l1MaximumSize() : 10_000, ticker, clock,
        metrics.ttlExpired);
    this.l2 = new NamespaceL2<>(cluster, namespace, s.codec(), metrics, s.durableReplicas(), s.durableTimeout(),
        s.maxValueBytes());
    ReplicaFlight<V> replicas = new ReplicaFlight<>(s.replicaSingleFlightWait(), l2, metrics, ticker,
        cluster.instanceId());
    this.sync = new L1Sync<>(namespace, cluster, l1, l2, metrics, expiries, replicas::wake);
    this.loads = new CacheLoads<>(namespace, l1, l2, replicas, sync, tuner, metrics, ticker, clock,
        s.earlyRefreshBeta(), s.refreshExecutor());
    this.scheduler = settings.scheduler();
    this.warmExecutor = s.refreshExecutor();
    this.warmSource = s.warmEvery();
    this.warmInterval = s.warmInterval();
  }

  /** Warms from the startup source (before build() returns) and schedules the periodic warming. */
  private TieredCache<K, V> start(Supplier<? extends Map<? extends K, ? extends V>> onStartup) {
    if (onStartup != null) {
      warmFrom(onStartup, "startup");
    }
    if (warmSource != null) {
      scheduleWarming();
    }
    return this;
  }

  /** A builder for the namespace {@code namespace} (letters, digits, {@code . _ -}) with String keys. */
  public static <V> Builder<String, V> builder(CacheCluster cluster, String namespace, ValueCodec<V> codec) {
    return new Builder<>(cluster, namespace, KeyCodec.string(), codec);
  }

  /** A builder for the namespace {@code namespace} with keys of another type, turned into text by {@code keys}. */
  public static <K, V> Builder<K, V> builder(CacheCluster cluster, String namespace, KeyCodec<K> keys,
      ValueCodec<V> codec) {
    return new Builder<>(cluster, namespace, keys, codec);
  }

  /** The value of {@code key} from L1 or L2, or empty on a miss (and when L2 is down or slow). */
  public Optional<V> get(K key) {
    String text = encode(key);
    Envelope<V> cached = l1.get(text);
    if (cached != null) {
      metrics.l1Hit.increment();
      tuner.record(true);
      return Optional.of(cached.value());
    }
    metrics.l1Miss.increment();
    NamespaceL2.Lookup<V> lookup = l2.lookup(text, l1.readFromMaster(text));
    Optional<Envelope<V>> found = lookup.found();
    found.ifPresent(e -> sync.keep(text, e));
    if (found.isEmpty() && lookup.answered()) {
      sync.missed(text);
    }
    tuner.record(found.isPresent());
    return found.map(Envelope::value);
  }

  /** The values of the keys found in L1 or L2 (one MGET for the rest); missing keys are absent from the map. */
  public Map<K, V> getAll(Collection<? extends K> requested) {
    Objects.requireNonNull(requested, "keys");
    Map<K, V> result = new LinkedHashMap<>();
    Map<String, K> missing = new LinkedHashMap<>();
    for (K key : requested) {
      String text = encode(key);
      Envelope<V> cached = l1.get(text);
      if (cached != null) {
        metrics.l1Hit.increment();
        tuner.record(true);
        result.put(key, cached.value());
      } else if (missing.putIfAbsent(text, key) == null) {
        metrics.l1Miss.increment();
      }
    }
    if (missing.isEmpty()) {
      return result;
    }
    List<String> fromReplicas = new ArrayList<>();
    List<String> fromMasters = new ArrayList<>();
    missing.keySet().forEach(text -> (l1.readFromMaster(text) ? fromMasters : fromReplicas).add(text));
    Set<String> missed = new HashSet<>();
    Map<String, Envelope<V>> found = l2.readAll(fromReplicas, fromMasters, missed);
    missed.forEach(sync::missed);
    missing.forEach((text, key) -> {
      Envelope<V> envelope = found.get(text);
      tuner.record(envelope != null);
      if (envelope != null) {
        sync.keep(text, envelope);
        result.put(key, envelope.value());
      }
    });
    return result;
  }

  /**
   * The value of {@code key}, loading it on a miss. Concurrent callers of one key in this JVM share one load; with
   * {@link Builder#replicaSingleFlight(Duration)} (the default) so do the replicas sharing the cluster, a caller
   * waiting at most the configured time for another replica's load. With early refresh on, a hit close to its
   * expiry may start a background reload (the caller still gets the cached value). L2 problems never reach the
   * caller; the loader's exceptions do (checked ones wrapped in a {@link CacheLoadException}).
   */
  public V get(K key, CacheLoader<? super K, ? extends V> loader) {
    String text = encode(key);
    if (loader == null) {
      throw new CacheArgumentException(namespace, "loader must not be null");
    }
    Envelope<V> cached = l1.get(text);
    if (cached != null) {
      metrics.l1Hit.increment();
      tuner.record(true);
      loads.maybeRefreshEarly(key, text, cached, loader);
      return cached.value();
    }
    metrics.l1Miss.increment();
    return loads.getMissing(key, text, loader);
  }

  /**
   * Writes {@code value} to L1 and L2 and drops the key from the other instances' L1. Throws
   * {@link CacheArgumentException} when the value is null or its encoding is over {@link Builder#maxValueBytes}. Returns true when L2
   * acknowledged the write (with durable writes: the master and the configured number of replicas) and the
   * invalidation reached the node serving the namespace's channel; false when L2 is down or did not acknowledge in
   * time, in which case the key is deleted from L2 once it is reachable again, or when the invalidation could not be
   * published, in which case it is retried in the background (other instances that lost their subscription drop
   * their L1 by themselves, so they do not serve the old value meanwhile).
   */
  public boolean put(K key, V value) {
    String text = encode(key);
    return write(text, value, tuner.ttlMillisForWrite());
  }

  /**
   * {@link #put(Object, Object)} with this write's own TTL: {@code ttl} exactly (no jitter), instead of the tuned
   * TTL, and not bounded by the policy's {@code [minTtl, maxTtl]}; the tuner is not changed. L1 keeps the entry for
   * at most {@code min(l1 TTL, ttl)}. Throws {@link CacheArgumentException} when {@code ttl} is null, zero, negative
   * or under a millisecond.
   */
  public boolean put(K key, V value, Duration ttl) {
    String text = encode(key);
    return write(text, value, ttlMillis(ttl));
  }

  private boolean write(String text, V value, long ttl) {
    if (value == null) {
      throw new CacheArgumentException(namespace, "value must not be null (key '" + excerpt(text) + "')");
    }
    long now = clock.millis();
    Envelope<V> envelope = new Envelope<>(value, now, now + ttl, loads.loadMicrosEstimate());
    byte[] bytes = l2.encode(envelope); // fails before anything changes when the value cannot be encoded
    sync.keep(text, envelope);
    l1.markChanged(text);
    return l2.put(text, bytes, ttl);
  }

  /**
   * Writes many entries (the cache's {@code set_many}), each with the tuned TTL (jittered per entry) like
   * {@link #put(Object, Object)}: L1 at once, L2 with the SETs pipelined per slot on Lettuce's async API (with
   * durable writes, one {@code WAIT} per master), then one invalidation per key so that the other instances drop
   * their L1 copies, all within one write timeout. Every key and value is checked and encoded first: a null map, key
   * or value, or a value over {@link Builder#maxValueBytes}, throws {@link CacheArgumentException} before anything
   * changes. Returns true when every write was acknowledged and every invalidation published; false otherwise, with
   * the same recovery as {@code put} per key.
   */
  public boolean putAll(Map<? extends K, ? extends V> entries) {
    if (entries == null) {
      throw new CacheArgumentException(namespace, "entries must not be null");
    }
    Map<String, V> byText = new LinkedHashMap<>();
    entries.forEach((key, value) -> {
      String text = encode(key);
      if (value == null) {
        throw new CacheArgumentException(namespace, "value must not be null (key '" + excerpt(text) + "')");
      }
      byText.put(text, value);
    });
    if (byText.isEmpty()) {
      return true;
    }
    List<String> texts = new ArrayList<>(byText.size());
    List<Envelope<V>> envelopes = new ArrayList<>(byText.size());
    List<byte[]> bytes = new ArrayList<>(byText.size());
    long[] ttls = new long[byText.size()];
    long now = clock.millis();
    long loadMicros = loads.loadMicrosEstimate();
    byText.forEach((text, value) -> {
      long ttl = tuner.ttlMillisForWrite();
      Envelope<V> envelope = new Envelope<>(value, now, now + ttl, loadMicros);
      bytes.add(l2.encode(envelope)); // all encoded before anything changes
      ttls[texts.size()] = ttl;
      texts.add(text);
      envelopes.add(envelope);
    });
    for (int i = 0; i < texts.size(); i++) {
      sync.keep(texts.get(i), envelopes.get(i));
      l1.markChanged(texts.get(i));
    }
    return l2.putAll(texts, bytes, ttls);
  }

  /**
   * Removes {@code key} from L1 and L2 and from the other instances' L1. Returns true when L2 acknowledged the delete;
   * false when it is down, in which case the delete is retried once it is back.
   */
  public boolean invalidate(K key) {
    String text = encode(key);
    sync.dropped(text);
    return l2.delete(text);
  }

  /**
   * Removes every key of this namespace whose text matches the Redis glob {@code pattern} ({@code *}, {@code ?},
   * {@code [a-z]}, {@code [^a]}, {@code \} before a character to match it literally), from L2 on every master and
   * from the L1 of every instance of the namespace. L2: {@code SCAN} with {@code MATCH <prefix>:<namespace>:<pattern>}
   * on every master serving slots, {@code UNLINK} of what it finds in batches; then one pattern message on the
   * namespace's invalidation channel, on which every other instance drops its matching L1 entries (matched by the
   * same rule as Redis', on the keys' UTF-8 bytes). This instance drops its own before and after the scan.
   *
   * <p>Costs a full scan of the cluster's keyspace (the match filters on the servers): meant for purges, not for
   * every request. Keys written while it runs may survive it. A master that fails or does not answer makes the result
   * {@linkplain PatternInvalidation#complete() incomplete}; the other masters are still done. Throws
   * {@link CacheArgumentException} when the pattern is null or empty, longer than a key may be, or not valid UTF-16.
   */
  public PatternInvalidation invalidateMatching(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      throw new CacheArgumentException(namespace, "pattern must not be " + (pattern == null ? "null" : "empty")
          + " (\"*\" matches every key of the namespace)");
    }
    if (pattern.length() > MAX_KEY_LENGTH) {
      throw new CacheArgumentException(namespace, "pattern is " + pattern.length() + " characters long; at most "
          + MAX_KEY_LENGTH + " allowed");
    }
    int surrogate = unpairedSurrogate(pattern);
    if (surrogate >= 0) {
      throw new CacheArgumentException(namespace, "pattern has an unpaired UTF-16 surrogate at index " + surrogate);
    }
    RedisGlob glob = new RedisGlob(pattern);
    int dropped = sync.dropMatching(glob);
    NamespaceL2.Matching done = l2.deleteMatching(glob);
    dropped += sync.dropMatching(glob); // what a concurrent read brought back from L2 during the scan
    return new PatternInvalidation(pattern, done.removed(), dropped, done.complete(), done.published());
  }

  /**
   * Warms the cache with values known to be wanted: {@link #putAll(Map)} of {@code entries} (so they replace what is
   * cached, and the other instances drop their L1 copies). Returns what {@code putAll} returns.
   */
  public boolean warm(Map<? extends K, ? extends V> entries) {
    return putAll(entries);
  }

  /**
   * Warms the cache with {@code keys}: each key that neither L1 nor L2 holds is loaded by {@code loader} (as
   * {@link #get(Object, CacheLoader)} does: one load per key at a time, across replicas too), the others are left as
   * they are. Returns how many keys the loader was called for. The loader's exceptions reach the caller (the keys
   * before the failing one stay warmed).
   */
  public int warm(Collection<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    if (keys == null) {
      throw new CacheArgumentException(namespace, "keys must not be null");
    }
    if (loader == null) {
      throw new CacheArgumentException(namespace, "loader must not be null");
    }
    AtomicInteger loaded = new AtomicInteger();
    CacheLoader<K, V> counting = key -> {
      loaded.incrementAndGet();
      return loader.load(key);
    };
    for (K key : keys) {
      get(key, counting);
    }
    return loaded.get();
  }

  /** The namespace. */
  public String namespace() {
    return namespace;
  }

  /** The namespace's TTL tuner (current TTL, smoothed hit rate, history). */
  public TtlTuner tuner() {
    return tuner;
  }

  /** The number of entries in L1 (approximate). */
  public long l1Size() {
    return l1.size();
  }

  /** Stops the periodic warming and listening for invalidations; the cluster stays open. */
  @Override
  public void close() {
    synchronized (warmLock) {
      if (closed) {
        return;
      }
      closed = true;
      if (warmTask != null) {
        warmTask.cancel();
      }
    }
    sync.close();
  }

  /** One call of a warming source and a {@link #putAll} of what it gave; failures are counted and logged. */
  private void warmFrom(Supplier<? extends Map<? extends K, ? extends V>> source, String when) {
    try {
      Map<? extends K, ? extends V> entries = source.get();
      if (entries == null) {
        throw new CacheArgumentException(namespace, "the " + when + " warming source returned null");
      }
      putAll(entries);
      metrics.warmSuccess.increment();
    } catch (RuntimeException e) {
      metrics.warmFailure.increment();
      log.warn("cache '{}': {} warming failed; the cache serves and loads as usual: {}", namespace, when,
          e.toString());
    }
  }

  /** The next periodic warming, after one interval; it runs on the refresh executor, then schedules the next. */
  private void scheduleWarming() {
    synchronized (warmLock) {
      if (closed) {
        return;
      }
      warmTask = scheduler.schedule(warmInterval, () -> {
        try {
          warmExecutor.execute(() -> {
            try {
              if (!isClosed()) {
                warmFrom(warmSource, "periodic");
              }
            } finally {
              scheduleWarming();
            }
          });
        } catch (RejectedExecutionException e) {
          metrics.warmFailure.increment();
          scheduleWarming();
        }
      });
    }
  }

  private boolean isClosed() {
    synchronized (warmLock) {
      return closed;
    }
  }

  // ---- for tests in this package

  boolean inL1(K key) {
    return l1.contains(encode(key));
  }

  String redisKey(K key) {
    return l2.redisKey(encode(key));
  }

  String lockKey(K key) {
    return l2.lockKey(encode(key));
  }

  // ----

  private long ttlMillis(Duration ttl) {
    if (ttl == null) {
      throw new CacheArgumentException(namespace, "ttl must not be null");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new CacheArgumentException(namespace, "ttl must be positive, was " + ttl);
    }
    if (ttl.toMillis() < 1) {
      throw new CacheArgumentException(namespace, "ttl must be at least 1 ms (Redis' PX), was " + ttl);
    }
    return ttl.toMillis();
  }

  private String encode(K key) {
    if (key == null) {
      throw new CacheArgumentException(namespace, "key must not be null");
    }
    String text = keys.encode(key);
    if (text == null || text.isEmpty()) {
      throw new CacheArgumentException(namespace, "key codec returned an empty key for " + key.getClass().getName());
    }
    if (text.length() > MAX_KEY_LENGTH) {
      throw new CacheArgumentException(namespace, "key is " + text.length() + " characters long; at most "
          + MAX_KEY_LENGTH + " allowed (hash long keys)");
    }
    int surrogate = unpairedSurrogate(text);
    if (surrogate >= 0) {
      // Redis keys are UTF-8, which cannot encode a lone surrogate: it would become '?' and collide with other keys
      throw new CacheArgumentException(namespace, "key has an unpaired UTF-16 surrogate at index " + surrogate
          + " (not valid Unicode, so not a distinct Redis key); encode such keys, for example as hex or Base64");
    }
    return text;
  }

  /** The index of the first surrogate that is not part of a pair, or -1 when the text is valid UTF-16. */
  static int unpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The start of a key, for messages. */
  static String excerpt(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }

  @Override
  public String toString() {
    return "TieredCache{" + namespace + ", ttl=" + tuner.currentTtl() + ", l1=" + l1.size() + ", l2="
        + cluster.health() + '}';
  }

  /**
   * Settings of one namespace.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final CacheCluster cluster;
    private final String namespace;
    private final ValueCodec<V> codec;
    private final KeyCodec<K> keys;
    private final Checks checks;
    private boolean l1Enabled = true;
    private long l1MaximumSize = 10_000;
    private Duration l1Ttl = Duration.ofSeconds(60);
    private TtlPolicy ttl = TtlPolicy.builder().build();
    private double earlyRefreshBeta = 1.0;
    private Executor refreshExecutor = ForkJoinPool.commonPool();
    private int durableReplicas;
    private Duration durableTimeout = Duration.ZERO;
    private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
    private Duration replicaSingleFlightWait = DEFAULT_REPLICA_SINGLE_FLIGHT_WAIT;
    private Supplier<? extends Map<? extends K, ? extends V>> warmOnStartup;
    private Supplier<? extends Map<? extends K, ? extends V>> warmEvery;
    private Duration warmInterval;

    private Builder(CacheCluster cluster, String namespace, KeyCodec<K> keys, ValueCodec<V> codec) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
      this.keys = Objects.requireNonNull(keys, "keys");
      if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
        throw Checks.in("cache").invalid("namespace", namespace, "must be 1-64 of letters, digits and . _ -");
      }
      this.namespace = namespace;
      this.checks = Checks.in("cache '" + namespace + "'");
      this.codec = Objects.requireNonNull(codec, "codec");
    }

    /** L1's size bound and TTL (default 10 000 entries, 60 s); an entry never outlives its L2 TTL. */
    public Builder<K, V> l1(long maximumSize, Duration ttl) {
      checks.atLeast("l1.maximumSize", maximumSize, 1L);
      checks.positive("l1.ttl", ttl);
      this.l1MaximumSize = maximumSize;
      this.l1Ttl = ttl;
      this.l1Enabled = true;
      return this;
    }

    /** No L1: every read goes to L2 (for values that must be as fresh as L2). */
    public Builder<K, V> withoutL1() {
      this.l1Enabled = false;
      return this;
    }

    /** The L2 TTL policy (default: tuned, seed policy: 5 min start, 60%-75% band, ×1.5 / ×0.8). */
    public Builder<K, V> ttl(TtlPolicy value) {
      this.ttl = Objects.requireNonNull(value, "ttl");
      return this;
    }

    /** XFetch's β (default 1; higher refreshes earlier; 0 turns early refresh off). */
    public Builder<K, V> earlyRefresh(double beta) {
      if (!(beta >= 0 && beta <= 100)) {
        throw checks.invalid("earlyRefresh", beta, "must be in [0, 100]");
      }
      this.earlyRefreshBeta = beta;
      return this;
    }

    /** Where early refreshes run (default the common pool). */
    public Builder<K, V> refreshExecutor(Executor value) {
      this.refreshExecutor = Objects.requireNonNull(value, "refreshExecutor");
      return this;
    }

    /**
     * Durable writes: {@link TieredCache#put} sends {@code WAIT replicas timeout} after the SET and reports success
     * only when that many replicas have the write, so a failover cannot lose it.
     */
    public Builder<K, V> durableWrites(int replicas, Duration timeout) {
      checks.atLeast("durableWrites.replicas", replicas, 1);
      checks.positive("durableWrites.timeout", timeout);
      this.durableReplicas = replicas;
      this.durableTimeout = timeout;
      return this;
    }

    /**
     * The largest L2 entry, in bytes as stored (the codec's bytes plus a header of about 50 bytes); default
     * {@link #DEFAULT_MAX_VALUE_BYTES} (1 MiB). A bigger value is never sent to Redis nor read from it:
     * {@link TieredCache#put} throws {@link CacheArgumentException} (before anything changes); a loaded value is
     * returned to its caller and kept in L1 but not written to L2 (refused, counted as
     * {@code headroom.cache.l2.errors} kind {@code oversize}); an L2 entry found bigger (written with a larger limit)
     * is a miss, is counted the same way and deleted, and costs at most this many bytes plus one to find out.
     */
    public Builder<K, V> maxValueBytes(int value) {
      if (value < 1024 || value > 512 * 1024 * 1024) {
        throw checks.invalid("maxValueBytes", value, "must be in [1024, 512 MiB]");
      }
      this.maxValueBytes = value;
      return this;
    }

    /**
     * Cross-replica single flight, on by default with a wait of {@link #DEFAULT_REPLICA_SINGLE_FLIGHT_WAIT} (5 s):
     * when {@link TieredCache#get(Object, CacheLoader)} misses L1 and L2, the replica that takes the key's loading
     * lock in L2 ({@code SET NX PX}, in the key's slot) runs the loader, and the others wait at most {@code maxWait}
     * for its value (woken by its announcement on the invalidation channel, polling as a fallback) instead of
     * running the loader too. A waiter loads itself when the wait passes, or takes the lock over when it disappears
     * without a value (the holder's loader failed, or its process died: the lock's TTL is {@code maxWait}). When L2
     * does not answer, or the key's master is down, the loader runs at once, as without it. Early refreshes are not
     * coordinated (the cached value is served meanwhile).
     *
     * <p>On by default because it costs one script on the key's master per L2 miss (one per key and process, since
     * callers in one JVM already share a flight) and nothing on hits, a round trip that is small next to any load
     * worth caching, while without it every replica runs the loader for a hot missing key: what a shared cache is
     * expected to prevent. Set {@code maxWait} above the loader's usual duration (a slower load is then done
     * twice); turn it off ({@link #withoutReplicaSingleFlight()}) where loads are cheaper than a Redis round trip.
     * Counted in {@code headroom.cache.flights{result}} ({@link CacheMetricNames#FLIGHTS}).
     */
    public Builder<K, V> replicaSingleFlight(Duration maxWait) {
      checks.positive("replicaSingleFlight.maxWait", maxWait);
      if (maxWait.compareTo(MAX_REPLICA_SINGLE_FLIGHT_WAIT) > 0 || maxWait.toMillis() < 1) {
        throw checks.invalid("replicaSingleFlight.maxWait", maxWait, "must be in [1ms, "
            + MAX_REPLICA_SINGLE_FLIGHT_WAIT + "]");
      }
      this.replicaSingleFlightWait = maxWait;
      return this;
    }

    /** No cross-replica single flight: on an L2 miss every replica runs the loader (one flight per JVM still). */
    public Builder<K, V> withoutReplicaSingleFlight() {
      this.replicaSingleFlightWait = null;
      return this;
    }

    /**
     * Warms the cache when it is built: {@link #build()} calls {@code source} once and writes what it returns
     * ({@link TieredCache#warm(Map)}) before it returns, so the first {@code get} already finds those entries. A
     * source that throws or returns null does not fail the build: it is logged and counted
     * ({@code headroom.cache.loads{kind=warm,result=failure}}), and the cache starts cold.
     */
    public Builder<K, V> warmOnStartup(Supplier<? extends Map<? extends K, ? extends V>> source) {
      this.warmOnStartup = Objects.requireNonNull(source, "warmOnStartup");
      return this;
    }

    /**
     * Warms the cache every {@code interval} (the first time one interval after the build): the cluster's scheduler
     * hands each round to the refresh executor ({@link #refreshExecutor}), which calls {@code source} and writes what
     * it returns ({@link TieredCache#warm(Map)}: the values replace what is cached). A round that fails is logged and
     * counted, and the next one still runs. {@link TieredCache#close()} stops it.
     */
    public Builder<K, V> warmEvery(Duration interval, Supplier<? extends Map<? extends K, ? extends V>> source) {
      checks.positive("warmEvery.interval", interval);
      if (interval.toMillis() < 1) {
        throw checks.invalid("warmEvery.interval", interval, "must be at least 1 ms");
      }
      this.warmInterval = interval;
      this.warmEvery = Objects.requireNonNull(source, "warmEvery");
      return this;
    }

    /** Validates and builds; subscribes to the namespace's invalidation channel. */
    public TieredCache<K, V> build() {
      if (cluster.bus().registered(namespace)) {
        throw Checks.in("cache").invalid("namespace", namespace,
            "must be unique per CacheCluster (a cache for it is already open)");
      }
      if (l1Enabled && l1Ttl.compareTo(ttl.maxTtl()) > 0) {
        throw checks.invalid("l1.ttl", l1Ttl, "must be <= the L2 maxTtl " + ttl.maxTtl());
      }
      return new TieredCache<>(new TieredCacheSettings<>(cluster, namespace, keys, codec, l1Enabled, l1MaximumSize,
          l1Ttl, ttl, earlyRefreshBeta, refreshExecutor, durableReplicas, durableTimeout, maxValueBytes,
          replicaSingleFlightWait, warmEvery, warmInterval)).start(warmOnStartup);
    }
  }
}
