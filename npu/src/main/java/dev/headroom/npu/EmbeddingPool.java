package dev.headroom.npu;

import dev.headroom.core.HeadroomException;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.core.SpillReason;
import dev.headroom.core.TierAttempt;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds texts on a set of backends (OpenVINO devices, ONNX Runtime, remote NPU workers) with dynamic batching,
 * and spills to a cloud backend when the local queue is too deep or no local backend is healthy.
 *
 * <pre>{@code
 * EmbeddingModel model = EmbeddingModel.allMiniLmL6V2();
 * try (EmbeddingPool pool = EmbeddingPool.builder("embeddings")
 *     .tokenizer(model.tokenizer())
 *     .backend(OnnxRuntimeBackend.builder(model).build())
 *     .backend(RemoteWorkerBackend.builder("npu-1", URI.create("http://10.0.0.7:8080")).build())
 *     .cloud(CloudEmbeddingBackend.builder(URI.create("https://api.example.com"), apiKey).model("minilm").build())
 *     .maxBatchSize(32).maxQueueDelay(Duration.ofMillis(5))
 *     .queueThresholds(100, 500)
 *     .meterRegistry(registry)
 *     .build()) {
 *   List<Embedding> vectors = pool.embedAll(List.of("a cat sits on the mat", "the stock market fell"));
 * }
 * }</pre>
 *
 * <p>Texts are tokenized on the caller's thread and queued in buckets by token length; a bucket goes out as one
 * batch when it is full or its oldest text has waited {@code maxQueueDelay}, and only when the core picker (power of two choices on peak-EWMA cost) finds a backend with a free slot. Each backend
 * takes at most {@link EmbeddingBackend#maxConcurrency()} batches at once. A batch is padded to its longest text
 * (bucketing keeps that close to every text's length); a static-shape backend such as OpenVINO on an NPU pads it
 * further to the bucket length it compiled, or the pool can pad to the bucket length itself
 * ({@link EmbeddingPoolBuilder#padToBucketLength(boolean)}). A text that would make the local queue
 * deeper than the warning threshold goes to the cloud (counted as {@code headroom.spillover{reason=SATURATED}});
 * without a cloud it queues up to the critical threshold and is then refused with a
 * {@link dev.headroom.core.NoCapacityException} (naming why the backends are out when none is left);
 * {@link #embedAll(List)} paces a long list so that it is admitted in pieces rather than refused. Results keep
 * request order and each text is answered exactly once; a failed batch is split in two and retried so one bad text
 * fails alone. Every backend's reply is checked before it is an answer (one vector per text, the pool's dimension,
 * finite, not all zeros): a bad one is a {@link BadEmbeddingException}, a failure of that backend. Local backends
 * and workers can be added, drained and removed while texts flow ({@link #addBackend}, {@link #drainBackend},
 * {@link #removeBackend}, or a discovery source through {@link #membership}). Thread-safe.
 */
public final class EmbeddingPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddingPool.class);

  private final String name;
  private final Tokenizer tokenizer;
  private final int[] buckets;
  /** The local backends and workers, closed by whoever removes one from here. */
  private final List<EmbeddingBackend> locals;
  private final EmbeddingBackend cloudBackend;
  private final Pool localPool;
  private final Pool cloudPool;
  private final Batcher batcher;
  private final ThreadPoolExecutor ownedExecutor;
  private final EmbeddingMembers members;
  private final int maxBatchSize;
  private final int critical;
  private volatile int capacity;
  private volatile int admissionWindow;
  private final Duration closeTimeout;
  private volatile boolean closed;

  EmbeddingPool(EmbeddingPoolBuilder b) {
    this.name = b.name;
    this.tokenizer = b.tokenizer;
    this.buckets = b.bucketLengths();
    this.locals = new CopyOnWriteArrayList<>(b.backends);
    this.cloudBackend = b.cloud;
    this.closeTimeout = b.closeTimeout;
    EmbeddingMetrics metrics = new EmbeddingMetrics(b.registry, name);
    this.localPool = b.backends.isEmpty() && !b.startEmpty ? null
        : corePool(b, name + ".local", "local", b.backends);
    this.cloudPool = b.cloud == null ? null : corePool(b, name + ".cloud", "cloud", List.of(b.cloud));
    int threads = Math.max(1, b.backends.stream().mapToInt(EmbeddingBackend::maxConcurrency).sum()
        + (b.cloud == null ? 0 : b.cloud.maxConcurrency())); // at least one, for a pool started empty
    // one thread per backend slot; resized as backends join and leave at run time
    this.ownedExecutor = b.executor == null ? new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), threads(name)) : null;
    Executor executor = b.executor != null ? b.executor : ownedExecutor;
    Lane local = localPool == null ? null : new Lane("local", localPool, byId(b.backends), buckets.length);
    Lane cloud = cloudPool == null ? null : new Lane("cloud", cloudPool, byId(List.of(b.cloud)), buckets.length);
    this.maxBatchSize = b.maxBatchSize;
    this.critical = b.critical;
    recount();
    Batcher.Settings settings = new Batcher.Settings(name, b.maxBatchSize, b.maxQueueDelay.toNanos(), buckets,
        b.padToBucket, b.warning, b.critical, b.maxAttempts);
    this.batcher = new Batcher(settings, local, cloud, b.ticker, b.scheduler, executor, metrics);
    int dimensions = !b.backends.isEmpty() ? b.backends.get(0).dimensions() : b.cloud != null ? b.cloud.dimensions()
        : 0; // started empty without a cloud: the first backend added sets it
    this.members = new EmbeddingMembers(name, localPool, local == null ? new ConcurrentHashMap<>() : local.backends,
        locals, b.cloud, dimensions, tokenizer != null, ownedExecutor, () -> {
          recount();
          batcher.drain();
        });
    metrics.gauges(batcher::localPending, () -> batcher.level().ordinal());
    log.info("embedding pool '{}': local {}, cloud {}, batch {} / {} ms, buckets {}, thresholds {}/{}", name,
        b.backends.stream().map(EmbeddingBackend::id).toList(), b.cloud == null ? "none" : b.cloud.id(),
        b.maxBatchSize, b.maxQueueDelay.toMillis(), Arrays.toString(buckets), b.warning, b.critical);
  }

  /**
   * Counts what the local backends hold at once, and from it the most texts {@code embedAll} keeps unanswered:
   * enough to fill every backend twice over, never so many that one call alone reaches the critical depth where
   * texts are refused. Past the warning depth texts still spill to a cloud, as everyone's do: that is the pool's
   * policy for a deep queue.
   */
  private void recount() {
    int held = 0;
    for (EmbeddingBackend e : locals) {
      held += e.maxConcurrency() * Math.min(e.maxBatchSize(), maxBatchSize);
    }
    this.capacity = held;
    this.admissionWindow = Math.max(1, Math.min(critical, Math.max(2 * held, maxBatchSize)));
  }

  private static Pool corePool(EmbeddingPoolBuilder b, String poolName, String tier,
      List<EmbeddingBackend> members) {
    PoolConfig.Builder config = PoolConfig.builder(poolName).tier(tier).ticker(b.ticker).scheduler(b.scheduler)
        .coordinator(b.coordinator);
    if (b.slowStart != null) {
      config.slowStart(b.slowStart);
    }
    if (members.isEmpty()) {
      config.startEmpty(); // its backends come at run time (EmbeddingPoolBuilder.startEmpty)
    }
    for (EmbeddingBackend backend : members) {
      config.endpoint(EmbeddingMembers.endpoint(backend));
    }
    if (b.registry != null) {
      config.meterRegistry(b.registry);
    }
    b.poolCustomizer.accept(config);
    return Pool.create(config.build());
  }

  private static Map<String, EmbeddingBackend> byId(List<EmbeddingBackend> list) {
    Map<String, EmbeddingBackend> map = new LinkedHashMap<>();
    list.forEach(backend -> map.put(backend.id(), backend));
    return map;
  }

  private static ThreadFactory threads(String pool) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "headroom-embed-" + pool + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** A builder for a pool named {@code name} (a metric tag). */
  public static EmbeddingPoolBuilder builder(String name) {
    return new EmbeddingPoolBuilder(name);
  }

  // ---------------------------------------------------------------- embedding

  /**
   * Embeds one text without blocking. The future fails with an {@link EmbeddingInputException} for a null or blank
   * text, a {@link dev.headroom.core.NoCapacityException} when neither local backends nor the cloud can take it,
   * or the backend's error when it failed on every try.
   */
  public CompletableFuture<Embedding> embedAsync(String text) {
    return submit(text, -1);
  }

  /** Embeds one text, blocking until it is done; throws what {@link #embedAsync} would fail with. */
  public Embedding embed(String text) {
    return join(embedAsync(text));
  }

  /** Embeds several texts; the futures are in the order of {@code texts} and fail one by one. */
  public List<CompletableFuture<Embedding>> submitAll(List<String> texts) {
    Objects.requireNonNull(texts, "texts");
    List<CompletableFuture<Embedding>> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      out.add(submit(texts.get(i), i));
    }
    return out;
  }

  /**
   * Embeds several texts, blocking; the results are in the order of {@code texts}. A list of any length is
   * admitted in pieces with backpressure: at most a window of its texts (twice what the local backends hold at
   * once, below the pool's critical depth) is queued or running at a time, and the next piece goes in as earlier
   * ones are answered, waiting for room when other callers have filled the queue. So 10,000 texts are embedded
   * rather than refused by the pool's own critical depth. Texts past the warning depth spill to the cloud as any
   * others do. Waits as long as that takes; see
   * {@link #embedAll(List, Duration)} for a bound.
   *
   * @throws HeadroomException the first failure in the order of {@code texts} (an {@link EmbeddingInputException}
   *     names the input); the texts not yet answered are withdrawn
   */
  public List<Embedding> embedAll(List<String> texts) {
    return embedAll(texts, null);
  }

  /**
   * {@link #embedAll(List)} within {@code timeout}: when it passes, the texts not yet answered are withdrawn and a
   * {@link RequestTimeoutException} (a {@link dev.headroom.core.NoCapacityException} with reason
   * {@code DEADLINE}) says how many were done.
   */
  public List<Embedding> embedAll(List<String> texts, Duration timeout) {
    Objects.requireNonNull(texts, "texts");
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    for (int i = 0; i < texts.size(); i++) { // fail fast on bad input before embedding anything
      EmbeddingInputException bad = inputProblem(texts.get(i), i);
      if (bad != null) {
        throw bad;
      }
    }
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    int n = texts.size();
    int step = Math.max(1, Math.min(maxBatchSize, admissionWindow));
    List<CompletableFuture<Embedding>> futures = new ArrayList<>(n);
    List<Embedding> out = new ArrayList<>(n);
    try {
      while (out.size() < n) {
        while (futures.size() < n) {
          int piece = Math.min(step, n - futures.size());
          if (futures.size() - out.size() + piece > admissionWindow) {
            break;
          }
          if (!batcher.awaitRoom(piece, deadline)) {
            throw timedOut(timeout, out.size(), n, "waiting for room in the queue", null);
          }
          for (int k = 0; k < piece; k++) {
            int index = futures.size();
            futures.add(submit(texts.get(index), index));
          }
        }
        CompletableFuture<Embedding> oldest = futures.get(out.size());
        if (timeout == null) {
          out.add(join(oldest));
        } else {
          try {
            out.add(unwrap(() -> oldest.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)));
          } catch (TimeoutException e) {
            throw timedOut(timeout, out.size(), n, "waiting for text " + out.size(), null);
          }
        }
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HeadroomException("interrupted while waiting for embeddings", e);
    } finally {
      for (int i = out.size(); i < futures.size(); i++) {
        futures.get(i).cancel(false); // withdrawn: a cancelled text leaves the queue without being embedded
      }
    }
  }

  private RequestTimeoutException timedOut(Duration timeout, int done, int total, String stage, Throwable cause) {
    return new RequestTimeoutException(name, null, timeout, List.of(new TierAttempt("local", SpillReason.DEADLINE,
        done + " of " + total + " texts embedded, " + stage)), cause);
  }

  private static EmbeddingInputException inputProblem(String text, int index) {
    if (text == null) {
      return new EmbeddingInputException(index, "is null");
    }
    if (text.isEmpty()) {
      return new EmbeddingInputException(index, "is empty");
    }
    if (text.isBlank()) {
      return new EmbeddingInputException(index, "is blank (whitespace only)");
    }
    return null;
  }

  private CompletableFuture<Embedding> submit(String text, int index) {
    EmbeddingInputException bad = inputProblem(text, index);
    if (bad != null) {
      return CompletableFuture.failedFuture(bad);
    }
    if (closed) {
      return CompletableFuture.failedFuture(new HeadroomException("embedding pool '" + name + "' is closed"));
    }
    Tokens tokens = null;
    int bucket = 0;
    if (tokenizer != null) {
      tokens = tokenizer.encode(text);
      if (tokens.length() <= 2) {
        return CompletableFuture.failedFuture(new EmbeddingInputException(index,
            "has no tokens after normalisation (only control or unassigned characters)"));
      }
      while (bucket < buckets.length - 1 && buckets[bucket] < tokens.length()) {
        bucket++;
      }
    }
    PendingText item = new PendingText(text, tokens, bucket, index);
    batcher.submit(item);
    return item.future;
  }

  private static Embedding join(CompletableFuture<Embedding> future) {
    try {
      return unwrap(future::get);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HeadroomException("interrupted while waiting for an embedding", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e); // get() without a timeout does not time out
    }
  }

  /** Runs a wait and rethrows the failure of what it waited for as is (or in a HeadroomException if checked). */
  private static Embedding unwrap(Wait wait) throws InterruptedException, TimeoutException {
    try {
      return wait.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new HeadroomException("embedding failed: " + cause, cause);
    }
  }

  /** A blocking get of an embedding future. */
  @FunctionalInterface
  private interface Wait {
    Embedding get() throws InterruptedException, ExecutionException, TimeoutException;
  }

  // ---------------------------------------------------------------- state

  /** The pool name. */
  public String name() {
    return name;
  }

  /** Texts waiting for a local backend (the {@code headroom.queue.depth} gauge). */
  public int queueDepth() {
    return batcher.localPending();
  }

  /** The queue level against the thresholds. */
  public QueueLevel queueLevel() {
    return batcher.level();
  }

  /** Pending, in flight and capacity, for load reports. */
  public PoolLoad load() {
    return batcher.load(capacity);
  }

  /** The backends, local ones first (those being removed until they are closed), then the cloud. */
  public List<EmbeddingBackend> backends() {
    List<EmbeddingBackend> all = new ArrayList<>(locals);
    if (cloudBackend != null) {
      all.add(cloudBackend);
    }
    return List.copyOf(all);
  }

  // ---------------------------------------------------------------- membership

  /**
   * Adds a local backend or remote worker while texts flow; it takes batches at once. The pool owns it from now on.
   *
   * @throws dev.headroom.core.ConfigException when its id is taken, its dimension differs from the pool's, or it
   *     runs a local model and the pool has no tokenizer (the builder's checks)
   * @throws IllegalStateException when the pool was built with a cloud only and without
   *     {@link EmbeddingPoolBuilder#startEmpty()} (it has no local tier)
   */
  public void addBackend(EmbeddingBackend backend) {
    members.add(backend);
  }

  /**
   * Drains a local backend: no new batches, the running ones finish. It stays a member until
   * {@link #removeBackend} or {@link #resumeBackend}.
   *
   * @return completes when its last batch has ended; at once for an unknown id
   */
  public CompletableFuture<Void> drainBackend(String id) {
    return members.drain(id);
  }

  /**
   * Makes a draining backend eligible again.
   *
   * @throws IllegalArgumentException for an unknown id
   * @throws IllegalStateException when it is being removed
   */
  public void resumeBackend(String id) {
    members.resume(id);
  }

  /**
   * Removes a local backend: it gets no new batches from now on, and once its running batches have ended it is
   * closed (never in the middle of a batch: closing a device mid-inference is not safe; a remote worker's call is
   * bounded by its timeout). Queued texts go to the other backends.
   *
   * @return completes when it is closed; at once for an unknown id
   */
  public CompletableFuture<Void> removeBackend(String id) {
    return members.remove(id);
  }

  /**
   * The local tier as a {@link MembershipTarget}, so that a {@code MembershipSync} can follow a discovery source of
   * workers; {@code toBackend} makes the backend of a discovered member and must keep its id:
   *
   * <pre>{@code
   * MembershipTarget target = pool.membership(m -> RemoteWorkerBackend.builder(m.id(), m.uri()).build());
   * }</pre>
   */
  public MembershipTarget membership(Function<DiscoveredMember, EmbeddingBackend> toBackend) {
    return members.target(toBackend);
  }

  /** The core pool of local backends and remote workers (its endpoints, loads and health), if any. */
  public Optional<Pool> localPool() {
    return Optional.ofNullable(localPool);
  }

  /** The core pool of the cloud backend, if any. */
  public Optional<Pool> cloudPool() {
    return Optional.ofNullable(cloudPool);
  }

  /** The length buckets texts are padded to. */
  public List<Integer> lengthBuckets() {
    return Arrays.stream(buckets).boxed().toList();
  }

  /**
   * Refuses new texts, fails the queued ones, waits for running batches (at most the close timeout), then closes the
   * backends. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!batcher.close(closeTimeout.toNanos())) {
        log.warn("embedding pool '{}': batches still running after {}; closing the backends anyway", name,
            closeTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (localPool != null) {
      localPool.close();
    }
    if (cloudPool != null) {
      cloudPool.close();
    }
    for (EmbeddingBackend backend : List.copyOf(locals)) {
      members.close(backend);
    }
    if (cloudBackend != null) {
      try {
        cloudBackend.close();
      } catch (RuntimeException e) {
        log.warn("embedding pool '{}': closing backend {} failed", name, cloudBackend.id(), e);
      }
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  @Override
  public String toString() {
    return "EmbeddingPool{" + name + ", " + load() + '}';
  }
}
