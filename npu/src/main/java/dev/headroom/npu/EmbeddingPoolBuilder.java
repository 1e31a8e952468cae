package dev.headroom.npu;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.SlowStart;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Builds an {@link EmbeddingPool} (see there for an example); {@link #build()} validates every setting and throws a
 * {@link ConfigException} naming the one that is wrong. Get one from {@link EmbeddingPool#builder(String)}.
 */
public final class EmbeddingPoolBuilder {
  final String name;
  Tokenizer tokenizer;
  final List<EmbeddingBackend> backends = new ArrayList<>();
  EmbeddingBackend cloud;
  int maxBatchSize = 32;
  Duration maxQueueDelay = Duration.ofMillis(5);
  List<Integer> buckets = List.of(16, 32, 64, 128, 256, 512);
  boolean padToBucket;
  int warning = 100;
  int critical = 500;
  int maxAttempts = 3;
  Ticker ticker = Ticker.system();
  Scheduler scheduler = Scheduler.system();
  Executor executor;
  MeterRegistry registry;
  Duration closeTimeout = Duration.ofSeconds(30);
  Consumer<PoolConfig.Builder> poolCustomizer = config -> {};
  SlowStart slowStart;
  boolean startEmpty;
  FleetCoordinator coordinator = FleetCoordinator.local();

  EmbeddingPoolBuilder(String name) {
    this.name = name;
  }

  /** The tokenizer of the local model; required when a backend {@link EmbeddingBackend#needsTokens()}. */
  public EmbeddingPoolBuilder tokenizer(Tokenizer value) {
    this.tokenizer = Objects.requireNonNull(value, "tokenizer");
    return this;
  }

  /** Adds a local backend or remote worker; the core picker routes batches across them. */
  public EmbeddingPoolBuilder backend(EmbeddingBackend value) {
    backends.add(Objects.requireNonNull(value, "backend"));
    return this;
  }

  /** The overflow backend used when the local queue is too deep or nothing local is healthy. */
  public EmbeddingPoolBuilder cloud(EmbeddingBackend value) {
    this.cloud = Objects.requireNonNull(value, "cloud");
    return this;
  }

  /** The most texts per batch; default 32 (a backend's own limit applies too). */
  public EmbeddingPoolBuilder maxBatchSize(int value) {
    this.maxBatchSize = value;
    return this;
  }

  /** How long the first text of a bucket may wait for others; default 5 ms (0: send at once). */
  public EmbeddingPoolBuilder maxQueueDelay(Duration value) {
    this.maxQueueDelay = Objects.requireNonNull(value, "maxQueueDelay");
    return this;
  }

  /**
   * Token lengths texts are padded to, ascending; default 16, 32, 64, 128, 256, 512 (lengths past the tokenizer's
   * maximum are dropped). Static shapes per bucket are what NPUs compile.
   */
  public EmbeddingPoolBuilder lengthBuckets(Integer... lengths) {
    this.buckets = List.of(lengths);
    return this;
  }

  /**
   * Whether every batch is padded to its bucket's length (fixed shapes for every backend) rather than to its
   * longest text; default false. OpenVINO backends pad to their compiled lengths either way; on a CPU the shorter
   * padding saves up to half the work (measured in benchmarks/RESULTS.md).
   */
  public EmbeddingPoolBuilder padToBucketLength(boolean value) {
    this.padToBucket = value;
    return this;
  }

  /** Queue depths for spilling: warning (spill when a cloud exists) and critical (refuse without one). */
  public EmbeddingPoolBuilder queueThresholds(int warningDepth, int criticalDepth) {
    this.warning = warningDepth;
    this.critical = criticalDepth;
    return this;
  }

  /** Tries per text on local backends before it moves to the cloud or fails; default 3. */
  public EmbeddingPoolBuilder maxAttempts(int value) {
    this.maxAttempts = value;
    return this;
  }

  /** The time source for queue delays (and the core pools). */
  public EmbeddingPoolBuilder ticker(Ticker value) {
    this.ticker = Objects.requireNonNull(value, "ticker");
    return this;
  }

  /** Runs the queue-delay timers (and the core pools' timers). */
  public EmbeddingPoolBuilder scheduler(Scheduler value) {
    this.scheduler = Objects.requireNonNull(value, "scheduler");
    return this;
  }

  /** Ticker and scheduler in one, e.g. {@link dev.headroom.core.time.VirtualTime}. */
  public <T extends Ticker & Scheduler> EmbeddingPoolBuilder clock(T time) {
    return ticker(time).scheduler(time);
  }

  /** Where backends run; default a pool of daemon threads, one per backend slot, shut down by close(). */
  public EmbeddingPoolBuilder executor(Executor value) {
    this.executor = Objects.requireNonNull(value, "executor");
    return this;
  }

  /** Where metrics go. */
  public EmbeddingPoolBuilder meterRegistry(MeterRegistry value) {
    this.registry = Objects.requireNonNull(value, "meterRegistry");
    return this;
  }

  /** How long close() waits for running batches; default 30 s. */
  public EmbeddingPoolBuilder closeTimeout(Duration value) {
    this.closeTimeout = Objects.requireNonNull(value, "closeTimeout");
    return this;
  }

  /**
   * Shares the workers' load with the other replicas of the service (say a {@code RedisFleet}): each backend's
   * {@code maxConcurrency} counts what every replica sends it. Default {@link FleetCoordinator#local()}.
   */
  public EmbeddingPoolBuilder coordinator(FleetCoordinator value) {
    this.coordinator = Objects.requireNonNull(value, "coordinator");
    return this;
  }

  /**
   * Slow start for backends added at run time ({@link EmbeddingPool#addBackend}, a discovery source): a new worker's
   * share of the batches ramps up over {@code window} (once its first health probe passes, when the pools probe).
   * The backends the pool is built with start at full weight. Off by default.
   */
  public EmbeddingPoolBuilder slowStart(Duration window) {
    this.slowStart = SlowStart.of(window);
    return this;
  }

  /**
   * Gives the pool a local tier even without local backends: workers come at run time ({@link
   * EmbeddingPool#addBackend}, a discovery source over {@link EmbeddingPool#membership}). Until the first arrives,
   * texts go to the cloud, or are refused without one; without a cloud, the first backend added sets the pool's
   * dimension. Without it, a pool built with a cloud only cannot add backends.
   */
  public EmbeddingPoolBuilder startEmpty() {
    this.startEmpty = true;
    return this;
  }

  /** Adjusts the core pools' configuration (outlier detection, breakers, health checks for remote workers). */
  public EmbeddingPoolBuilder corePools(Consumer<PoolConfig.Builder> customizer) {
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
    Checks.in("embedding pool").nonBlank("name", name);
    String subject = "embedding pool '" + name + "'";
    Checks pool = Checks.in(subject);
    if (backends.isEmpty() && cloud == null && !startEmpty) {
      throw pool.invalid("backends", "[]", "must list at least one backend or a cloud (or startEmpty())");
    }
    pool.atLeast("maxBatchSize", maxBatchSize, 1);
    pool.nonNegative("maxQueueDelay", maxQueueDelay);
    if (warning < 1 || critical < warning) {
      throw pool.invalid("queueThresholds", warning + "/" + critical, "must satisfy 1 <= warning <= critical");
    }
    pool.atLeast("maxAttempts", maxAttempts, 1);
    for (int i = 0; i < buckets.size(); i++) {
      if (buckets.get(i) < 3 || (i > 0 && buckets.get(i) <= buckets.get(i - 1))) {
        throw pool.invalid("lengthBuckets", buckets, "must be ascending and each >= 3");
      }
    }
    List<EmbeddingBackend> all = new ArrayList<>(backends);
    if (cloud != null) {
      all.add(cloud);
    }
    int dims = all.isEmpty() ? 0 : all.get(0).dimensions();
    List<String> ids = new ArrayList<>();
    for (EmbeddingBackend backend : all) {
      Checks ofBackend = Checks.in(subject + ", backend '" + backend.id() + "'");
      if (backend.dimensions() != dims) {
        throw ofBackend.invalid("dimensions", backend.dimensions(),
            "must equal the other backends' " + dims + " (vectors of different models cannot be mixed)");
      }
      if (backend.needsTokens() && tokenizer == null) {
        throw pool.invalid("tokenizer", "none", "must be set: backend '" + backend.id() + "' runs a local model");
      }
      if (ids.contains(backend.id())) {
        throw ofBackend.invalid("id", backend.id(), "must be unique");
      }
      ids.add(backend.id());
    }
    return new EmbeddingPool(this);
  }
}
