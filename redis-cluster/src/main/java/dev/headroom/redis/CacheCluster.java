package dev.headroom.redis;

import dev.headroom.core.Checks;
import dev.headroom.core.Health;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.lettuce.core.ReadFrom;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's connection to a Redis Cluster used as L2 by any number of {@link TieredCache} namespaces: the
 * Lettuce client and its connections, the L2 health, the invalidation channel and the memory guard.
 *
 * <pre>{@code
 * CacheCluster cluster = CacheCluster.builder()
 *     .seeds(List.of(URI.create("redis://10.0.0.1:7000"), URI.create("redis://10.0.0.2:7000")))
 *     .readFrom(ReadFrom.REPLICA_PREFERRED)
 *     .meterRegistry(registry)
 *     .build();
 * }</pre>
 *
 * <p>{@link Builder#build()} never fails because Redis is unreachable: the cluster starts {@link Health#DOWN}, the
 * caches serve from L1 and their loaders, and a probe connects in the background and marks it {@link Health#UP}.
 */
public final class CacheCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CacheCluster.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final ClusterSettings settings;
  private final String instanceId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final L2Client l2;
  private final L2Health health;
  private final NodeHealth nodes;
  private final InvalidationBus bus;
  private final MeterRegistry registry;
  private final Object lock = new Object();
  private final List<Runnable> maintenanceHooks = new CopyOnWriteArrayList<>();
  private volatile double memoryUse;
  private Scheduler.Cancellable maintenance;
  private long lastMemoryCheck = Long.MIN_VALUE;
  private volatile boolean closed;

  private CacheCluster(ClusterSettings settings) {
    this.settings = settings;
    this.registry = settings.meterRegistry() != null ? settings.meterRegistry() : new SimpleMeterRegistry();
    this.l2 = new L2Client(settings);
    this.bus = new InvalidationBus(instanceId, settings.keyPrefix(), l2, settings.scheduler(),
        settings.probeInterval());
    // a dropped connection to the node serving a channel means its invalidations are being missed from now on
    l2.onPubSubDisconnect(bus::disconnected);
    this.health = new L2Health(settings.name(), settings.probeInterval(), settings.scheduler(),
        settings.ticker(), () -> l2.probe(settings.probeTimeout()));
    this.nodes = new NodeHealth(settings.name(), settings.failureThreshold(), settings.probeInterval(),
        settings.probeTimeout(), settings.scheduler(), l2, health);
    Gauge.builder(CacheMetricNames.L2_UP, health, h -> h.isUp() ? 1 : 0).tags(CacheMetricNames.CACHE, settings.name())
        .description("1 while the L2 Redis cluster is usable").strongReference(true).register(registry);
    Gauge.builder(CacheMetricNames.L2_NODES_DOWN, nodes, NodeHealth::downCount)
        .tags(CacheMetricNames.CACHE, settings.name()).description("L2 masters marked down (their keys use the loaders)")
        .strongReference(true).register(registry);
    health.addListener(new L2Health.Listener() {
      @Override
      public void up() {
        nodes.reset(); // every master starts afresh; the caches clear their L1 on this transition
        L2Client.Connections connections = l2.connections();
        if (connections != null) {
          bus.attach(connections.pubSub());
        }
        bus.checkSubscriptions();
      }

      @Override
      public void down() {}
    });
  }

  /** A builder; {@link Builder#seeds(List)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The L2 health: {@link Health#UP} while L2 is usable, {@link Health#DOWN} before the first connection and while
   * every master is down. Single masters that are down (their keys go to the loaders, the others' keys are served
   * from L2) are counted by {@link #mastersDown()}.
   */
  public Health health() {
    return health.state();
  }

  /** The number of masters marked down now (their slots' keys are served by L1 and the loaders). */
  public int mastersDown() {
    return nodes.downCount();
  }

  /** The name used in metrics and logs. */
  public String name() {
    return settings.name();
  }

  /** The highest {@code used_memory / maxmemory} over the masters at the last check (0 when none has a limit). */
  public double memoryUse() {
    return memoryUse;
  }

  /** Whether L2 memory use has passed the guard's share (the tuners stop raising TTLs). */
  public boolean memoryPressure() {
    return memoryUse >= settings.memoryGuardShare();
  }

  // ---- used by TieredCache

  ClusterSettings settings() {
    return settings;
  }

  L2Client l2() {
    return l2;
  }

  L2Health l2Health() {
    return health;
  }

  NodeHealth nodeHealth() {
    return nodes;
  }

  InvalidationBus bus() {
    return bus;
  }

  MeterRegistry registry() {
    return registry;
  }

  String instanceId() {
    return instanceId;
  }

  void addMaintenance(Runnable hook) {
    maintenanceHooks.add(hook);
  }

  void removeMaintenance(Runnable hook) {
    maintenanceHooks.remove(hook);
  }

  /** Tuners learn nothing while L2 is down or has just recovered. */
  boolean tunerFrozen() {
    return !health.isUp() || settings.ticker().read() - health.changedAt() < settings.settleTime().toNanos();
  }

  private void start() {
    health.probeNow();
    scheduleMaintenance();
    // a cold JVM takes a few seconds for its first Lettuce connection; an unreachable Redis fails much sooner
    health.awaitFirstProbe(Duration.ofSeconds(10).plus(settings.connectTimeout()));
  }

  /** Every probe interval: re-subscribe moved channels; every memory-guard interval: read INFO memory. */
  private void scheduleMaintenance() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      maintenance = settings.scheduler().schedule(settings.probeInterval(), () -> {
        try {
          if (health.isUp()) {
            bus.checkSubscriptions();
            maintenanceHooks.forEach(Runnable::run);
            long now = settings.ticker().read();
            if (lastMemoryCheck == Long.MIN_VALUE || now - lastMemoryCheck >= settings.memoryGuardInterval().toNanos()) {
              lastMemoryCheck = now;
              l2.memoryUse().whenComplete((use, error) -> {
                if (error == null) {
                  memoryUse = use;
                }
              });
            }
          }
        } catch (RuntimeException e) {
          log.debug("cache cluster maintenance failed", e);
        }
        scheduleMaintenance();
      });
    }
  }

  /** Closes the connections and stops the probes. Caches built on this cluster stop using L2. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (maintenance != null) {
        maintenance.cancel();
      }
    }
    health.close();
    nodes.close();
    bus.close();
    l2.close();
  }

  @Override
  public String toString() {
    return "CacheCluster{" + settings.name() + ", seeds=" + settings.seeds() + ", readFrom=" + readFromName(settings.readFrom())
        + ", l2=" + health.state() + '}';
  }

  /** A readable name for Lettuce's {@link ReadFrom} constants (their own toString is an object identity). */
  static String readFromName(ReadFrom readFrom) {
    java.util.Map<ReadFrom, String> known = new java.util.LinkedHashMap<>();
    known.put(ReadFrom.UPSTREAM, "UPSTREAM");
    known.put(ReadFrom.UPSTREAM_PREFERRED, "UPSTREAM_PREFERRED");
    known.put(ReadFrom.REPLICA, "REPLICA");
    known.put(ReadFrom.REPLICA_PREFERRED, "REPLICA_PREFERRED");
    known.put(ReadFrom.LOWEST_LATENCY, "LOWEST_LATENCY");
    known.put(ReadFrom.ANY, "ANY");
    known.put(ReadFrom.ANY_REPLICA, "ANY_REPLICA");
    return known.getOrDefault(readFrom, readFrom.getClass().getSimpleName());
  }

  /**
   * Settings of a {@link CacheCluster}; everything but the seeds has a default. {@link #build()} validates them into
   * the immutable settings the cluster reads.
   */
  public static final class Builder {
    /** Errors name the setting's path below {@code cache cluster} ({@code readTimeout}, {@code memoryGuard.share}). */
    private static final Checks CHECKS = Checks.in("cache cluster");

    private String name = "cache";
    private final List<URI> seeds = new ArrayList<>();
    private String user;
    private char[] password;
    private String seedUser;
    private char[] seedPassword;
    private ReadFrom readFrom = ReadFrom.REPLICA_PREFERRED;
    private Duration commandTimeout = Duration.ofSeconds(1);
    private Duration readTimeout = Duration.ofMillis(100);
    private Duration connectTimeout = Duration.ofSeconds(1);
    private Duration topologyRefreshPeriod = Duration.ofSeconds(30);
    private int failureThreshold = 3;
    private Duration probeInterval = Duration.ofSeconds(1);
    private Duration settleTime = Duration.ofMinutes(1);
    private Duration masterReadWindow = Duration.ofSeconds(2);
    private double memoryGuardShare = 0.9;
    private Duration memoryGuardInterval = Duration.ofSeconds(30);
    private String keyPrefix = "hr";
    private String clientName;
    private int ioThreads = 2;
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler = Scheduler.system();
    private Clock wallClock = Clock.systemUTC();
    private MeterRegistry meterRegistry;

    private Builder() {}

    /** The name in metrics ({@code cache} tag) and logs (default "cache"). */
    public Builder name(String value) {
      this.name = Objects.requireNonNull(value, "name");
      return this;
    }

    /**
     * Some nodes of the cluster, as {@code redis://host:port}; the rest is discovered. Required. A seed may carry
     * credentials, {@code redis://:password@host:port} or {@code redis://user:password@host:port} (percent-encoded):
     * they are used to authenticate (unless {@link #password} or {@link #credentials} set them), must be the same on
     * every seed that has them, and are removed from the seeds kept, so they never appear in
     * {@link CacheCluster#toString()}, logs or exception messages.
     */
    public Builder seeds(List<URI> values) {
      ClusterSeeds.Parsed parsed = ClusterSeeds.parse(values, CHECKS);
      seeds.clear();
      seeds.addAll(parsed.shown());
      this.seedUser = parsed.user();
      this.seedPassword = parsed.password();
      return this;
    }

    /** ACL user and password (never logged). */
    public Builder credentials(String user, char[] password) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /** Password of the default user (never logged). */
    public Builder password(char[] value) {
      this.password = Objects.requireNonNull(value, "password").clone();
      return this;
    }

    /**
     * Where cache reads go (default {@link ReadFrom#REPLICA_PREFERRED}); also {@link ReadFrom#LOWEST_LATENCY} or
     * {@link ReadFrom#subnet(String...)}. Writes and reads just after an invalidation always go to the master. Note
     * that Lettuce uses a replica only once a topology refresh has seen its replication offset above zero: until the
     * first refresh after it started replicating, replica-preferred reads go to its master.
     */
    public Builder readFrom(ReadFrom value) {
      this.readFrom = Objects.requireNonNull(value, "readFrom");
      return this;
    }

    /** Lettuce's command timeout, for writes and probes (default 1 s). */
    public Builder commandTimeout(Duration value) {
      this.commandTimeout = CHECKS.positive("commandTimeout", value);
      return this;
    }

    /** How long a read waits for L2 before the cache serves a miss or calls the loader (default 100 ms). */
    public Builder readTimeout(Duration value) {
      this.readTimeout = CHECKS.positive("readTimeout", value);
      return this;
    }

    /** TCP connect timeout (default 1 s). */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = CHECKS.positive("connectTimeout", value);
      return this;
    }

    /** Periodic topology refresh (default 30 s); adaptive triggers refresh sooner on MOVED, reconnects etc. */
    public Builder topologyRefreshPeriod(Duration value) {
      this.topologyRefreshPeriod = CHECKS.positive("topologyRefreshPeriod", value);
      return this;
    }

    /**
     * Consecutive failed L2 commands on keys of one master that mark that master down (default 3): only its slots'
     * keys then go to the loaders. Per-key data faults (a key of another type, an undecodable or oversized value)
     * never count.
     */
    public Builder failureThreshold(int value) {
      this.failureThreshold = CHECKS.atLeast("failureThreshold", value, 1);
      return this;
    }

    /** How often a DOWN L2 is probed and subscriptions are checked (default 1 s). */
    public Builder probeInterval(Duration value) {
      this.probeInterval = CHECKS.positive("probeInterval", value);
      return this;
    }

    /** How long TTL tuners stay frozen after L2 recovers (default 1 minute). */
    public Builder settleTime(Duration value) {
      this.settleTime = CHECKS.nonNegative("settleTime", value);
      return this;
    }

    /** After an invalidation, refills of the key read from the master for this long (default 2 s). */
    public Builder masterReadWindow(Duration value) {
      this.masterReadWindow = CHECKS.nonNegative("masterReadWindow", value);
      return this;
    }

    /** Stop raising TTLs when {@code used_memory / maxmemory} of a master passes {@code share} (default 0.9). */
    public Builder memoryGuard(double share, Duration interval) {
      if (!(share > 0 && share <= 1)) {
        throw CHECKS.invalid("memoryGuard.share", share, "must be in (0, 1]");
      }
      this.memoryGuardShare = share;
      this.memoryGuardInterval = CHECKS.positive("memoryGuard.interval", interval);
      return this;
    }

    /** The first part of every key and channel (default "hr"). */
    public Builder keyPrefix(String value) {
      if (value == null || !NAME.matcher(value).matches()) {
        throw CHECKS.invalid("keyPrefix", value, "must be 1-64 of letters, digits and . _ -");
      }
      this.keyPrefix = value;
      return this;
    }

    /** The CLIENT SETNAME of every connection (default "headroom-cache-&lt;name&gt;"). */
    public Builder clientName(String value) {
      if (value == null || !NAME.matcher(value).matches()) {
        throw CHECKS.invalid("clientName", value, "must be 1-64 of letters, digits and . _ -");
      }
      this.clientName = value;
      return this;
    }

    /** Netty I/O threads (default 2). */
    public Builder ioThreads(int value) {
      this.ioThreads = CHECKS.atLeast("ioThreads", value, 1);
      return this;
    }

    /** The monotonic clock for L1 expiry, windows and load times (default the system ticker). */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** Where probes and maintenance run (default {@link Scheduler#system()}). */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** The wall clock for L2 expiry times shared between instances (default UTC system clock). */
    public Builder wallClock(Clock value) {
      this.wallClock = Objects.requireNonNull(value, "wallClock");
      return this;
    }

    /** Where meters are registered (default a private {@link SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /** Validates, creates the client and starts connecting in the background; never throws for a down Redis. */
    public CacheCluster build() {
      if (seeds.isEmpty()) {
        throw CHECKS.invalid("seeds", "[]", "must name at least one redis://host:port");
      }
      if (!NAME.matcher(name).matches()) {
        throw CHECKS.invalid("name", name, "must be 1-64 of letters, digits and . _ -");
      }
      String authUser = password != null ? user : seedUser;
      char[] authPassword = password != null ? password : seedPassword;
      ClusterSettings settings = new ClusterSettings(name, List.copyOf(seeds), authUser,
          authPassword == null ? null : authPassword.clone(), readFrom, commandTimeout, readTimeout, connectTimeout,
          topologyRefreshPeriod, failureThreshold, probeInterval, settleTime, masterReadWindow, memoryGuardShare,
          memoryGuardInterval, keyPrefix, clientName == null ? "headroom-cache-" + name : clientName, ioThreads, ticker,
          scheduler, wallClock, meterRegistry);
      CacheCluster cluster = new CacheCluster(settings);
      cluster.start();
      return cluster;
    }
  }
}
