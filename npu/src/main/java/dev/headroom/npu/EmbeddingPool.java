package dev.headroom.npu;

import dev.headroom.core.ConfigException;
import dev.headroom.core.Endpoint;
import dev.headroom.core.HeadroomException;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
 * batch, padded to the bucket length, when it is full or its oldest text has waited {@code maxQueueDelay}, and
 * only when the core picker (power of two choices on peak-EWMA cost) finds a backend with a free slot. Each backend
 * takes at most {@link EmbeddingBackend#maxConcurrency()} batches at once. A text that would make the local queue
 * deeper than the warning threshold goes to the cloud (counted as {@code headroom.spillover{reason=SATURATED}});
 * without a cloud it queues up to the critical threshold and is then refused with a
 * {@link dev.headroom.core.NoCapacityException}. Results keep request order and each text is answered exactly once;
 * a failed batch is split in two and retried so one bad text fails alone. Thread-safe.
 */
public final class EmbeddingPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddingPool.class);

  private final String name;
  private final Tokenizer tokenizer;
  private final int[] buckets;
  private final List<EmbeddingBackend> backends;
  private final Pool localPool;
  private final Pool cloudPool;
  private final Dispatcher dispatcher;
  private final ExecutorService ownedExecutor;
  private final int capacity;
  private final Duration closeTimeout;
  private volatile boolean closed;

  private EmbeddingPool(Builder b) {
    this.name = b.name;
    this.tokenizer = b.tokenizer;
    this.buckets = b.bucketLengths();
    this.backends = new ArrayList<>(b.backends);
    if (b.cloud != null) {
      backends.add(b.cloud);
    }
    this.closeTimeout = b.closeTimeout;
    EmbeddingMetrics metrics = new EmbeddingMetrics(b.registry, name);
    this.localPool = b.backends.isEmpty() ? null : corePool(b, name + ".local", "local", b.backends);
    this.cloudPool = b.cloud == null ? null : corePool(b, name + ".cloud", "cloud", List.of(b.cloud));
    int threads = backends.stream().mapToInt(EmbeddingBackend::maxConcurrency).sum();
    this.ownedExecutor = b.executor == null ? Executors.newFixedThreadPool(threads, threads(name)) : null;
    Executor executor = b.executor != null ? b.executor : ownedExecutor;
    Lane local = localPool == null ? null : new Lane("local", localPool, byId(b.backends), buckets.length);
    Lane cloud = cloudPool == null ? null : new Lane("cloud", cloudPool, byId(List.of(b.cloud)), buckets.length);
    this.capacity = b.backends.stream().mapToInt(e -> e.maxConcurrency() * Math.min(e.maxBatchSize(),
        b.maxBatchSize)).sum();
    Dispatcher.Settings settings = new Dispatcher.Settings(name, b.maxBatchSize, b.maxQueueDelay.toNanos(), buckets,
        b.warning, b.critical, b.maxAttempts);
    this.dispatcher = new Dispatcher(settings, local, cloud, b.ticker, b.scheduler, executor, metrics);
    metrics.gauges(dispatcher::localPending, () -> dispatcher.level().ordinal());
    log.info("embedding pool '{}': local {}, cloud {}, batch {} / {} ms, buckets {}, thresholds {}/{}", name,
        b.backends.stream().map(EmbeddingBackend::id).toList(), b.cloud == null ? "none" : b.cloud.id(),
        b.maxBatchSize, b.maxQueueDelay.toMillis(), Arrays.toString(buckets), b.warning, b.critical);
  }

  private static Pool corePool(Builder b, String poolName, String tier, List<EmbeddingBackend> members) {
    PoolConfig.Builder config = PoolConfig.builder(poolName).tier(tier).ticker(b.ticker).scheduler(b.scheduler);
    for (EmbeddingBackend backend : members) {
      Endpoint.Builder endpoint = Endpoint.builder(backend.id())
          .uri(URI.create("embedding:" + backend.id().replaceAll("[^A-Za-z0-9._-]", "_")))
          .maxConcurrency(backend.maxConcurrency());
      backend.labels().forEach(endpoint::label);
      config.endpoint(endpoint.build());
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
  public static Builder builder(String name) {
    return new Builder(name);
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
   * Embeds several texts, blocking; the results are in the order of {@code texts}.
   *
   * @throws HeadroomException the first failure (an {@link EmbeddingInputException} names the input)
   */
  public List<Embedding> embedAll(List<String> texts) {
    List<CompletableFuture<Embedding>> futures = submitAll(texts);
    List<Embedding> out = new ArrayList<>(futures.size());
    for (CompletableFuture<Embedding> future : futures) {
      out.add(join(future));
    }
    return out;
  }

  private CompletableFuture<Embedding> submit(String text, int index) {
    if (text == null) {
      return CompletableFuture.failedFuture(new EmbeddingInputException(index, "is null"));
    }
    if (text.isEmpty()) {
      return CompletableFuture.failedFuture(new EmbeddingInputException(index, "is empty"));
    }
    if (text.isBlank()) {
      return CompletableFuture.failedFuture(new EmbeddingInputException(index, "is blank (whitespace only)"));
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
    Item item = new Item(text, tokens, bucket, index);
    dispatcher.submit(item);
    return item.future;
  }

  private static Embedding join(CompletableFuture<Embedding> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HeadroomException("interrupted while waiting for an embedding", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new HeadroomException("embedding failed: " + cause, cause);
    }
  }

  // ---------------------------------------------------------------- state

  /** The pool name. */
  public String name() {
    return name;
  }

  /** Texts waiting for a local backend (the {@code headroom.queue.depth} gauge). */
  public int queueDepth() {
    return dispatcher.localPending();
  }

  /** The queue level against the thresholds. */
  public QueueLevel queueLevel() {
    return dispatcher.level();
  }

  /** Pending, in flight and capacity, for load reports. */
  public PoolLoad load() {
    return dispatcher.load(capacity);
  }

  /** The backends, local ones first, then the cloud. */
  public List<EmbeddingBackend> backends() {
    return List.copyOf(backends);
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
      if (!dispatcher.close(closeTimeout.toNanos())) {
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
    for (EmbeddingBackend backend : backends) {
      try {
        backend.close();
      } catch (RuntimeException e) {
        log.warn("embedding pool '{}': closing backend {} failed", name, backend.id(), e);
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

  /** Builds an {@link EmbeddingPool}; {@link #build()} validates every setting. */
  public static final class Builder {
    private final String name;
    private Tokenizer tokenizer;
    private final List<EmbeddingBackend> backends = new ArrayList<>();
    private EmbeddingBackend cloud;
    private int maxBatchSize = 32;
    private Duration maxQueueDelay = Duration.ofMillis(5);
    private List<Integer> buckets = List.of(16, 32, 64, 128, 256, 512);
    private int warning = 100;
    private int critical = 500;
    private int maxAttempts = 3;
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler = Scheduler.system();
    private Executor executor;
    private MeterRegistry registry;
    private Duration closeTimeout = Duration.ofSeconds(30);
    private Consumer<PoolConfig.Builder> poolCustomizer = config -> {};

    private Builder(String name) {
      this.name = name;
    }

    /** The tokenizer of the local model; required when a backend {@link EmbeddingBackend#needsTokens()}. */
    public Builder tokenizer(Tokenizer value) {
      this.tokenizer = Objects.requireNonNull(value, "tokenizer");
      return this;
    }

    /** Adds a local backend or remote worker; the core picker routes batches across them. */
    public Builder backend(EmbeddingBackend value) {
      backends.add(Objects.requireNonNull(value, "backend"));
      return this;
    }

    /** The overflow backend used when the local queue is too deep or nothing local is healthy. */
    public Builder cloud(EmbeddingBackend value) {
      this.cloud = Objects.requireNonNull(value, "cloud");
      return this;
    }

    /** The most texts per batch; default 32 (a backend's own limit applies too). */
    public Builder maxBatchSize(int value) {
      this.maxBatchSize = value;
      return this;
    }

    /** How long the first text of a bucket may wait for others; default 5 ms (0: send at once). */
    public Builder maxQueueDelay(Duration value) {
      this.maxQueueDelay = Objects.requireNonNull(value, "maxQueueDelay");
      return this;
    }

    /**
     * Token lengths texts are padded to, ascending; default 16, 32, 64, 128, 256, 512 (lengths past the tokenizer's
     * maximum are dropped). Static shapes per bucket are what NPUs compile.
     */
    public Builder lengthBuckets(Integer... lengths) {
      this.buckets = List.of(lengths);
      return this;
    }

    /** Queue depths for spilling: warning (spill when a cloud exists) and critical (refuse without one). */
    public Builder queueThresholds(int warningDepth, int criticalDepth) {
      this.warning = warningDepth;
      this.critical = criticalDepth;
      return this;
    }

    /** Tries per text on local backends before it moves to the cloud or fails; default 3. */
    public Builder maxAttempts(int value) {
      this.maxAttempts = value;
      return this;
    }

    /** The time source for queue delays (and the core pools). */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** Runs the queue-delay timers (and the core pools' timers). */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** Ticker and scheduler in one, e.g. {@link dev.headroom.core.time.VirtualTime}. */
    public <T extends Ticker & Scheduler> Builder clock(T time) {
      return ticker(time).scheduler(time);
    }

    /** Where backends run; default a pool of daemon threads, one per backend slot, shut down by close(). */
    public Builder executor(Executor value) {
      this.executor = Objects.requireNonNull(value, "executor");
      return this;
    }

    /** Where metrics go. */
    public Builder meterRegistry(MeterRegistry value) {
      this.registry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /** How long close() waits for running batches; default 30 s. */
    public Builder closeTimeout(Duration value) {
      this.closeTimeout = Objects.requireNonNull(value, "closeTimeout");
      return this;
    }

    /** Adjusts the core pools' configuration (outlier detection, breakers, health checks for remote workers). */
    public Builder corePools(Consumer<PoolConfig.Builder> customizer) {
      this.poolCustomizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    int[] bucketLengths() {
      int max = tokenizer == null ? Integer.MAX_VALUE : tokenizer.maxTokens();
      List<Integer> kept = new ArrayList<>();
      for (int length : buckets) {
        if (length < max) {
          kept.add(length);
        }
      }
      if (tokenizer != null) {
        kept.add(max); // the last bucket always fits the longest (truncated) text
      }
      return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Validates and builds; the pool owns the backends from now on. */
    public EmbeddingPool build() {
      if (name == null || name.isBlank()) {
        throw new ConfigException("embedding pool name", name, "must be non-empty");
      }
      String prefix = "embedding pool '" + name + "': ";
      if (backends.isEmpty() && cloud == null) {
        throw new ConfigException(prefix + "backends", "[]", "must list at least one backend or a cloud");
      }
      if (maxBatchSize < 1) {
        throw new ConfigException(prefix + "maxBatchSize", maxBatchSize, "must be >= 1");
      }
      if (maxQueueDelay.isNegative()) {
        throw new ConfigException(prefix + "maxQueueDelay", maxQueueDelay, "must be >= 0");
      }
      if (warning < 1 || critical < warning) {
        throw new ConfigException(prefix + "queueThresholds", warning + "/" + critical,
            "must satisfy 1 <= warning <= critical");
      }
      if (maxAttempts < 1) {
        throw new ConfigException(prefix + "maxAttempts", maxAttempts, "must be >= 1");
      }
      for (int i = 0; i < buckets.size(); i++) {
        if (buckets.get(i) < 3 || (i > 0 && buckets.get(i) <= buckets.get(i - 1))) {
          throw new ConfigException(prefix + "lengthBuckets", buckets, "must be ascending and each >= 3");
        }
      }
      List<EmbeddingBackend> all = new ArrayList<>(backends);
      if (cloud != null) {
        all.add(cloud);
      }
      int dims = all.get(0).dimensions();
      List<String> ids = new ArrayList<>();
      for (EmbeddingBackend backend : all) {
        if (backend.dimensions() != dims) {
          throw new ConfigException(prefix + "dimensions of backend '" + backend.id() + "'", backend.dimensions(),
              "must equal the other backends' " + dims + " (vectors of different models cannot be mixed)");
        }
        if (backend.needsTokens() && tokenizer == null) {
          throw new ConfigException(prefix + "tokenizer", "none", "must be set: backend '" + backend.id()
              + "' runs a local model");
        }
        if (ids.contains(backend.id())) {
          throw new ConfigException(prefix + "backend id", backend.id(), "must be unique");
        }
        ids.add(backend.id());
      }
      return new EmbeddingPool(this);
    }
  }
}
