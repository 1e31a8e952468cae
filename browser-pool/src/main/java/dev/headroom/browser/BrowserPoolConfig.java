package dev.headroom.browser;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import dev.headroom.core.SlowStart;
import dev.headroom.core.fleet.FleetCoordinator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The immutable configuration of a {@link BrowserPool}. Build one with {@link #builder(String)}; {@link
 * Builder#build()} validates every setting and throws a {@link ConfigException} naming the one that is wrong.
 */
public final class BrowserPoolConfig {
  private final String name;
  private final List<BrowserHost> hosts;
  private final int maxWaiters;
  private final Duration commandTimeout;
  private final Duration navigationTimeout;
  private final Duration launchTimeout;
  private final Duration relaunchBackoff;
  private final Duration maxRelaunchBackoff;
  private final Duration recycleDrainTimeout;
  private final Duration drainTimeout;
  private final Duration maintenanceInterval;
  private final Duration leakDetectionThreshold;
  private final Consumer<LeaseLeak> leakListener;
  private final MeterRegistry meterRegistry;
  private final boolean shutdownHook;
  private final FleetCoordinator coordinator;
  private final SlowStart slowStart;

  private BrowserPoolConfig(Builder b) {
    this.name = b.name;
    this.hosts = List.copyOf(b.hosts);
    this.maxWaiters = b.maxWaiters;
    this.commandTimeout = b.commandTimeout;
    this.navigationTimeout = b.navigationTimeout;
    this.launchTimeout = b.launchTimeout;
    this.relaunchBackoff = b.relaunchBackoff;
    this.maxRelaunchBackoff = b.maxRelaunchBackoff;
    this.recycleDrainTimeout = b.recycleDrainTimeout;
    this.drainTimeout = b.drainTimeout;
    this.maintenanceInterval = b.maintenanceInterval;
    this.leakDetectionThreshold = b.leakDetectionThreshold;
    this.leakListener = b.leakListener;
    this.meterRegistry = b.meterRegistry;
    this.shutdownHook = b.shutdownHook;
    this.coordinator = b.coordinator;
    this.slowStart = b.slowStart;
  }

  /** A builder for a pool called {@code name} (the {@code pool} tag of its metrics). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The pool name. */
  public String name() {
    return name;
  }

  /** The hosts, in the order given. */
  public List<BrowserHost> hosts() {
    return hosts;
  }

  /** The most callers waiting for a session at once; beyond it a lease fails at once. */
  public int maxWaiters() {
    return maxWaiters;
  }

  /** How long a single DevTools command may take. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** How long {@link BrowserSession#navigate(String)} waits for the page's load event. */
  public Duration navigationTimeout() {
    return navigationTimeout;
  }

  /** How long a launch (or a remote connect) may take before it counts as failed. */
  public Duration launchTimeout() {
    return launchTimeout;
  }

  /** The wait before the first relaunch after a crash; it doubles with each failure in a row. */
  public Duration relaunchBackoff() {
    return relaunchBackoff;
  }

  /** The cap on the relaunch backoff. */
  public Duration maxRelaunchBackoff() {
    return maxRelaunchBackoff;
  }

  /** How long a browser being recycled waits for its sessions before ending them. */
  public Duration recycleDrainTimeout() {
    return recycleDrainTimeout;
  }

  /** How long {@link BrowserPool#removeHost(String)} waits for a host's sessions before ending them. */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /** How often each host's age and resident memory are checked. */
  public Duration maintenanceInterval() {
    return maintenanceInterval;
  }

  /** A session held longer than this is reported as a probable leak; {@link Duration#ZERO} turns detection off. */
  public Duration leakDetectionThreshold() {
    return leakDetectionThreshold;
  }

  /** Called with each leak report (reports are logged at WARN in any case). */
  public Optional<Consumer<LeaseLeak>> leakListener() {
    return Optional.ofNullable(leakListener);
  }

  /** Where metrics go, if anywhere. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /**
   * What the pool shares with the other replicas of the service; {@link FleetCoordinator#local()} by default. With
   * a shared one, each host's {@code maxSessions} is a hard cap across replicas (global permits).
   */
  public FleetCoordinator coordinator() {
    return coordinator;
  }

  /** The ramp of hosts added at run time, if any. */
  public Optional<SlowStart> slowStart() {
    return Optional.ofNullable(slowStart);
  }

  /** Whether a JVM shutdown hook kills the browsers the pool launched (default true). */
  public boolean shutdownHook() {
    return shutdownHook;
  }

  @Override
  public String toString() {
    return "BrowserPoolConfig{" + name + ", hosts=" + hosts + ", maxWaiters=" + maxWaiters + '}';
  }

  /** Builds a {@link BrowserPoolConfig}. */
  public static final class Builder {
    private final String name;
    private final List<BrowserHost> hosts = new ArrayList<>();
    private int maxWaiters = 256;
    private Duration commandTimeout = Duration.ofSeconds(30);
    private Duration navigationTimeout = Duration.ofSeconds(30);
    private Duration launchTimeout = Duration.ofSeconds(30);
    private Duration relaunchBackoff = Duration.ofMillis(200);
    private Duration maxRelaunchBackoff = Duration.ofSeconds(30);
    private Duration recycleDrainTimeout = Duration.ofMinutes(5);
    private Duration drainTimeout = Duration.ofSeconds(60);
    private Duration maintenanceInterval = Duration.ofSeconds(5);
    private Duration leakDetectionThreshold = Duration.ZERO;
    private Consumer<LeaseLeak> leakListener;
    private MeterRegistry meterRegistry;
    private boolean shutdownHook = true;
    private FleetCoordinator coordinator = FleetCoordinator.local();
    private SlowStart slowStart;
    private boolean startEmpty;

    private Builder(String name) {
      this.name = name;
    }

    /** Adds a host. */
    public Builder host(BrowserHost host) {
      hosts.add(Objects.requireNonNull(host, "host"));
      return this;
    }

    /** Adds a host built from {@code builder}. */
    public Builder host(BrowserHost.Builder builder) {
      return host(builder.build());
    }

    /** The most callers waiting at once (0: never wait); default 256. */
    public Builder maxWaiters(int value) {
      this.maxWaiters = value;
      return this;
    }

    /** How long one DevTools command may take; default 30 s. */
    public Builder commandTimeout(Duration value) {
      this.commandTimeout = value;
      return this;
    }

    /** How long a navigation may take to reach its load event; default 30 s. */
    public Builder navigationTimeout(Duration value) {
      this.navigationTimeout = value;
      return this;
    }

    /** How long a launch or remote connect may take; default 30 s. */
    public Builder launchTimeout(Duration value) {
      this.launchTimeout = value;
      return this;
    }

    /** The first relaunch delay after a crash, and its cap (it doubles per failure); default 200 ms and 30 s. */
    public Builder relaunchBackoff(Duration initial, Duration max) {
      this.relaunchBackoff = initial;
      this.maxRelaunchBackoff = max;
      return this;
    }

    /** How long recycling waits for a retiring browser's sessions; default 5 min. */
    public Builder recycleDrainTimeout(Duration value) {
      this.recycleDrainTimeout = value;
      return this;
    }

    /**
     * How long removing a host at run time ({@link BrowserPool#removeHost(String)}) waits for its sessions before
     * it ends them and closes the host; default 60 s.
     */
    public Builder drainTimeout(Duration value) {
      this.drainTimeout = value;
      return this;
    }

    /** How often each host's age and memory are checked; default 5 s. */
    public Builder maintenanceInterval(Duration value) {
      this.maintenanceInterval = value;
      return this;
    }

    /**
     * Reports sessions held longer than {@code value}, with the stack of the code that leased them (as HikariCP's
     * {@code leakDetectionThreshold}); zero, the default, turns it off. Capturing the stack costs a few
     * microseconds per lease.
     */
    public Builder leakDetectionThreshold(Duration value) {
      this.leakDetectionThreshold = value;
      return this;
    }

    /** Also passes each leak report to {@code listener} (it runs on the pool's scheduler thread). */
    public Builder leakListener(Consumer<LeaseLeak> listener) {
      this.leakListener = Objects.requireNonNull(listener, "leakListener");
      return this;
    }

    /** Where metrics go; none by default. */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /**
     * Shares the hosts' caps with the other replicas of the service (say a {@code RedisFleet}): a host's
     * {@code maxSessions} then holds for every replica together, each lease holding one of its global permits
     * (renewed while the session lasts, freed within the permit TTL if this replica dies). Warm idle contexts are
     * this replica's own and are not counted. Default {@link FleetCoordinator#local()}: this process alone.
     */
    public Builder coordinator(FleetCoordinator value) {
      this.coordinator = Objects.requireNonNull(value, "coordinator");
      return this;
    }

    /**
     * Slow start for hosts added at run time ({@link BrowserPool#addHost}, a discovery source): once its browser is
     * up, a new host's share of the leases ramps up over {@code window} (a cold VM's first sessions are its slowest).
     * The hosts the pool is built with start at full weight. Off by default.
     */
    public Builder slowStart(Duration window) {
      this.slowStart = SlowStart.of(window);
      return this;
    }

    /**
     * Lets the pool start without hosts: they come at run time ({@link BrowserPool#addHost}, a discovery source over
     * {@link BrowserPool#membership}). Until the first one is up, leases wait and then fail as exhausted. Without it,
     * at least one {@link #host} is required.
     */
    public Builder startEmpty() {
      this.startEmpty = true;
      return this;
    }

    /** Whether to install a JVM shutdown hook that kills launched browsers; default true. */
    public Builder shutdownHook(boolean value) {
      this.shutdownHook = value;
      return this;
    }

    /** Validates and builds. */
    public BrowserPoolConfig build() {
      Checks.in("browser pool").nonBlank("name", name);
      Checks pool = Checks.in("browser pool '" + name + "'");
      if (!startEmpty) {
        pool.notEmpty("hosts", hosts, "host");
      }
      Set<String> ids = new HashSet<>();
      for (BrowserHost host : hosts) {
        if (!ids.add(host.id())) {
          throw pool.invalid("host id", host.id(), "must be unique in the pool");
        }
      }
      pool.atLeast("maxWaiters", maxWaiters, 0);
      pool.positive("commandTimeout", commandTimeout);
      pool.positive("navigationTimeout", navigationTimeout);
      pool.positive("launchTimeout", launchTimeout);
      pool.positive("relaunchBackoff", relaunchBackoff);
      pool.positive("maxRelaunchBackoff", maxRelaunchBackoff);
      if (maxRelaunchBackoff.compareTo(relaunchBackoff) < 0) {
        throw pool.invalid("maxRelaunchBackoff", maxRelaunchBackoff,
            "must be >= relaunchBackoff (" + relaunchBackoff + ")");
      }
      pool.positive("recycleDrainTimeout", recycleDrainTimeout);
      pool.nonNegative("drainTimeout", drainTimeout);
      pool.positive("maintenanceInterval", maintenanceInterval);
      if (leakDetectionThreshold == null || leakDetectionThreshold.isNegative()) {
        throw pool.invalid("leakDetectionThreshold", leakDetectionThreshold == null ? "(missing)"
            : leakDetectionThreshold, "must be >= 0 (0 = off)");
      }
      return new BrowserPoolConfig(this);
    }
  }
}
