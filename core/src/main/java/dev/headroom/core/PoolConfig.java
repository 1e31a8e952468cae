package dev.headroom.core;

import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The immutable configuration of a {@link Pool}. Build one with {@link #builder(String)}; every setting is
 * validated by {@link Builder#build()}, which throws a {@link ConfigException} naming the setting.
 */
public final class PoolConfig {
  private final String name;
  private final String tier;
  private final List<Endpoint> endpoints;
  private final Picker picker;
  private final Selector selector;
  private final int maxWaiters;
  private final Duration latencyHalfLife;
  private final Duration initialLatency;
  private final OutlierDetection outlierDetection;
  private final CircuitBreakerConfig circuitBreaker;
  private final HealthCheck healthCheck;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final RandomSource random;
  private final MeterRegistry meterRegistry;
  private final Duration maxRetryAfter;
  private final double panicThreshold;
  private final Duration leakDetectionThreshold;
  private final boolean leakDetectionStackTraces;
  private final FleetCoordinator coordinator;
  private final boolean strictCaps;
  private final SlowStart slowStart;

  private PoolConfig(Builder b) {
    this.name = b.name;
    this.tier = b.tier != null ? b.tier : b.name;
    this.endpoints = List.copyOf(b.endpoints);
    this.picker = b.picker;
    this.selector = b.selector;
    this.maxWaiters = b.maxWaiters;
    this.latencyHalfLife = b.latencyHalfLife;
    this.initialLatency = b.initialLatency;
    this.outlierDetection = b.outlierDetection;
    this.circuitBreaker = b.circuitBreaker;
    this.healthCheck = b.healthCheck;
    this.ticker = b.ticker;
    this.scheduler = b.scheduler;
    this.random = b.random;
    this.meterRegistry = b.meterRegistry;
    this.maxRetryAfter = b.maxRetryAfter;
    this.panicThreshold = b.panicThreshold;
    this.leakDetectionThreshold = b.leakDetectionThreshold;
    this.leakDetectionStackTraces = b.leakDetectionStackTraces;
    this.coordinator = b.coordinator;
    this.strictCaps = b.strictCaps;
    this.slowStart = b.slowStart;
  }

  /** The ramp of endpoints added to the running pool, if it has one. */
  public Optional<SlowStart> slowStart() {
    return Optional.ofNullable(slowStart);
  }

  /** What the pool shares with the other replicas of its service; {@link FleetCoordinator#local()} by default. */
  public FleetCoordinator coordinator() {
    return coordinator;
  }

  /** Whether each endpoint's limit is a hard cap across every replica, held with global permits. */
  public boolean strictCaps() {
    return strictCaps;
  }

  /** A builder for a pool named {@code name} (used in metric tags, logs and errors). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The pool name. */
  public String name() {
    return name;
  }

  /** The {@code tier} metric tag (defaults to the pool name). */
  public String tier() {
    return tier;
  }

  /** The endpoints the pool starts with. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** How an endpoint is chosen. */
  public Picker picker() {
    return picker;
  }

  /** The pool-wide filter applied to every request (e.g. {@code device=NPU}). */
  public Selector selector() {
    return selector;
  }

  /** The most callers waiting for a lease at once; beyond it, acquire fails fast. */
  public int maxWaiters() {
    return maxWaiters;
  }

  /** The half-life of the latency and failure EWMAs. */
  public Duration latencyHalfLife() {
    return latencyHalfLife;
  }

  /** The latency assumed for an endpoint before its first reply. */
  public Duration initialLatency() {
    return initialLatency;
  }

  /** Passive outlier detection. */
  public OutlierDetection outlierDetection() {
    return outlierDetection;
  }

  /** The per-endpoint circuit breaker, if enabled. */
  public Optional<CircuitBreakerConfig> circuitBreaker() {
    return Optional.ofNullable(circuitBreaker);
  }

  /** Active health checking, if configured. */
  public Optional<HealthCheck> healthCheck() {
    return Optional.ofNullable(healthCheck);
  }

  /** The time source. */
  public Ticker ticker() {
    return ticker;
  }

  /** Runs waiter deadlines and probes. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Randomness for probe jitter. */
  public RandomSource random() {
    return random;
  }

  /** Where metrics go, if anywhere. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /** The longest a server's {@code Retry-After} keeps an endpoint out of picks ({@link Lease#busy(Duration)}). */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /**
   * Envoy's panic threshold: when fewer than this share of the endpoints that are not draining or down by their
   * probe are free of ejection and open breakers, the pool ignores ejections and open breakers and picks among all
   * of them. 0 turns panic off (then breakers may empty the pool, and a {@code Router} spills to its next tier).
   * A {@code Router} uses panic picks only in its last tier; an earlier tier in panic spills to the next.
   */
  public double panicThreshold() {
    return panicThreshold;
  }

  /** How long a lease may be held before the pool warns about a possible leak; {@link Duration#ZERO}: off. */
  public Duration leakDetectionThreshold() {
    return leakDetectionThreshold;
  }

  /** Whether leak warnings include where the lease was acquired (costs a stack trace per lease). */
  public boolean leakDetectionStackTraces() {
    return leakDetectionStackTraces;
  }

  @Override
  public String toString() {
    return "PoolConfig{name=" + name + ", endpoints=" + endpoints.size() + ", picker=" + picker
        + ", maxWaiters=" + maxWaiters + ", halfLife=" + latencyHalfLife + '}';
  }

  /** The default per-endpoint breaker: opens at 50% failures of the last 20 calls (10 minimum), for 10 s. */
  public static CircuitBreakerConfig defaultCircuitBreaker() {
    return CircuitBreakerConfig.custom()
        .failureRateThreshold(50)
        .slidingWindow(20, 10, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .waitDurationInOpenState(Duration.ofSeconds(10))
        .permittedNumberOfCallsInHalfOpenState(2)
        .build();
  }

  /** Builds a {@link PoolConfig}. */
  public static final class Builder {
    private final String name;
    private String tier;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private Picker picker = Pickers.powerOfTwoChoices();
    private Selector selector = Selector.any();
    private int maxWaiters = 256;
    private Duration latencyHalfLife = Duration.ofSeconds(10);
    private Duration initialLatency = Duration.ofMillis(30);
    private OutlierDetection outlierDetection = OutlierDetection.defaults();
    private CircuitBreakerConfig circuitBreaker = defaultCircuitBreaker();
    private HealthCheck healthCheck;
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler = Scheduler.system();
    private RandomSource random = RandomSource.threadLocal();
    private MeterRegistry meterRegistry;
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private double panicThreshold = 0.5;
    private Duration leakDetectionThreshold = Duration.ZERO;
    private boolean leakDetectionStackTraces;
    private FleetCoordinator coordinator = FleetCoordinator.local();
    private boolean strictCaps;
    private SlowStart slowStart;
    private boolean startEmpty;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Shares the pool's load with the other replicas of the service through {@code value} (say a
     * {@code RedisFleet}): every publish interval the pool reports its in-flight and mean latency per endpoint and
     * hears the others'. Picking adds the others' in-flight to each endpoint's own, latency estimates fall back to
     * the fleet's mean, and an endpoint's limit counts the others' in-flight too (each replica keeps at least its
     * fair share, {@code ceil(limit / live replicas)}, so no replica starves). A heuristic that makes picks better,
     * not a cap: the view is up to one publish interval old, and replicas that see the same free slot may all take
     * it. For a cap that holds, add {@link #strictCaps}. Default {@link FleetCoordinator#local()}: this process
     * alone, nothing shared and no network call.
     */
    public Builder coordinator(FleetCoordinator value) {
      this.coordinator = Objects.requireNonNull(value, "coordinator");
      return this;
    }

    /**
     * Makes each endpoint's {@code maxConcurrency} a hard cap across every replica (a browser VM's session memory, a
     * node's parallel slots): a lease also takes one of the endpoint's global permits from the
     * {@link #coordinator}, one round trip on the pick path, and gives it back when it ends. Off by default; has no
     * effect with the local coordinator, where the pool's own limit already is the cap.
     */
    public Builder strictCaps(boolean value) {
      this.strictCaps = value;
      return this;
    }

    /**
     * Slow start ({@link SlowStart#of(Duration)}: linear from 10% of the weight): an endpoint {@linkplain Pool#add
     * added to the running pool} ramps its share of the traffic up over {@code window}, from when it becomes
     * eligible (with a health check: when its first probe passes). The endpoints the pool is built with start at
     * full weight. None by default.
     */
    public Builder slowStart(Duration window) {
      return slowStart(SlowStart.of(window));
    }

    /** Slow start with a given ramp (curvature, starting share); see {@link #slowStart(Duration)}. */
    public Builder slowStart(SlowStart value) {
      this.slowStart = Objects.requireNonNull(value, "slowStart");
      return this;
    }

    /**
     * Lets the pool start without endpoints: they come at run time, from a
     * {@link dev.headroom.core.discovery.MembershipSync} or {@link Pool#add}. Until then every acquire fails with
     * {@link SpillReason#NO_HEALTHY_ENDPOINT}. Without it, {@link #build()} requires at least one endpoint.
     */
    public Builder startEmpty() {
      this.startEmpty = true;
      return this;
    }

    /** Adds an endpoint. */
    public Builder endpoint(Endpoint endpoint) {
      endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
      return this;
    }

    /** Adds endpoints. */
    public Builder endpoints(List<Endpoint> list) {
      list.forEach(this::endpoint);
      return this;
    }

    /** The {@code tier} metric tag; defaults to the pool name. */
    public Builder tier(String value) {
      this.tier = value;
      return this;
    }

    /** How an endpoint is chosen; default {@link Pickers#powerOfTwoChoices()}. */
    public Builder picker(Picker value) {
      this.picker = Objects.requireNonNull(value, "picker");
      return this;
    }

    /** A filter applied to every request, such as {@code Selector.label("device", "NPU")}. */
    public Builder selector(Selector value) {
      this.selector = Objects.requireNonNull(value, "selector");
      return this;
    }

    /** The most callers waiting at once (0: never wait); default 256. */
    public Builder maxWaiters(int value) {
      this.maxWaiters = value;
      return this;
    }

    /** The half-life of the latency and failure EWMAs; default 10 s. */
    public Builder latencyHalfLife(Duration value) {
      this.latencyHalfLife = value;
      return this;
    }

    /** The latency assumed before an endpoint's first reply; default 30 ms. */
    public Builder initialLatency(Duration value) {
      this.initialLatency = value;
      return this;
    }

    /** Passive outlier detection; default {@link OutlierDetection#defaults()}. */
    public Builder outlierDetection(OutlierDetection value) {
      this.outlierDetection = Objects.requireNonNull(value, "outlierDetection");
      return this;
    }

    /** The per-endpoint circuit breaker; default {@link PoolConfig#defaultCircuitBreaker()}. */
    public Builder circuitBreaker(CircuitBreakerConfig value) {
      this.circuitBreaker = Objects.requireNonNull(value, "circuitBreaker");
      return this;
    }

    /** Turns the per-endpoint circuit breakers off. */
    public Builder noCircuitBreaker() {
      this.circuitBreaker = null;
      return this;
    }

    /** Active health checking; none by default. */
    public Builder healthCheck(HealthCheck value) {
      this.healthCheck = Objects.requireNonNull(value, "healthCheck");
      return this;
    }

    /** The time source; default {@link Ticker#system()}. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** Runs waiter deadlines and probes; default {@link Scheduler#system()}. */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** Ticker and scheduler in one, e.g. {@link dev.headroom.core.time.VirtualTime}. */
    public <T extends Ticker & Scheduler> Builder clock(T time) {
      return ticker(time).scheduler(time);
    }

    /** Randomness for probe jitter; default thread-local. */
    public Builder random(RandomSource value) {
      this.random = Objects.requireNonNull(value, "random");
      return this;
    }

    /** Where metrics go; none by default (then metrics cost nothing). */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /**
     * The longest a server's {@code Retry-After} keeps an endpoint out of picks; default 60 s. A longer
     * {@code Retry-After} is cut to this, so a hostile or broken server cannot bench a node for a day.
     */
    public Builder maxRetryAfter(Duration value) {
      this.maxRetryAfter = value;
      return this;
    }

    /**
     * Envoy's panic threshold, in [0, 1]; default 0.5. When fewer than this share of the endpoints (not counting
     * draining ones and ones down by their health probe) are free of outlier ejection and open circuit breakers,
     * the pool picks among all of them, ignoring ejections and open breakers, so a pool-wide problem cannot empty
     * the pool. 0 turns panic off: breakers may then take every endpoint out (and a {@code Router} spills).
     */
    public Builder panicThreshold(double value) {
      this.panicThreshold = value;
      return this;
    }

    /**
     * Warn (once per lease, with pool, endpoint and age) about a lease held longer than {@code value}, count it in
     * {@code headroom.pool.leases.leaked}, and give back the slot of a lease that became unreachable without
     * being ended. Default {@link Duration#ZERO}: off (it costs a Cleaner registration and a timer per lease).
     * Like HikariCP's {@code leakDetectionThreshold}: set it above the longest legitimate call.
     */
    public Builder leakDetectionThreshold(Duration value) {
      this.leakDetectionThreshold = value;
      return this;
    }

    /** Whether leak warnings show where the lease was acquired (a stack trace per lease); default false. */
    public Builder leakDetectionStackTraces(boolean value) {
      this.leakDetectionStackTraces = value;
      return this;
    }

    /** Validates and builds. */
    public PoolConfig build() {
      Checks.plain().nonBlank("pool name", name);
      Checks checks = Checks.in("pool '" + name + "'");
      if (!startEmpty) {
        checks.notEmpty("endpoints", endpoints, "endpoint");
      }
      Set<String> ids = new HashSet<>();
      for (Endpoint endpoint : endpoints) {
        if (!ids.add(endpoint.id())) {
          throw checks.invalid("endpoint id", endpoint.id(), "must be unique in the pool");
        }
      }
      checks.atLeast("maxWaiters", maxWaiters, 0);
      checks.positive("latencyHalfLife", latencyHalfLife);
      checks.positive("initialLatency", initialLatency);
      checks.positive("maxRetryAfter", maxRetryAfter);
      checks.share("panicThreshold", panicThreshold);
      if (leakDetectionThreshold == null || leakDetectionThreshold.isNegative()) {
        throw checks.invalid("leakDetectionThreshold", leakDetectionThreshold, "must be >= 0 (0: off)");
      }
      return new PoolConfig(this);
    }
  }
}
