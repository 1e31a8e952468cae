package dev.headroom.redis.fleet;

import dev.headroom.core.Checks;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.fleet.PoolLink;
import dev.headroom.core.fleet.PoolMember;
import dev.headroom.core.fleet.RateLimiter;
import dev.headroom.core.fleet.SharedWindow;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.ClusterSeeds;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet coordinator on Redis Cluster: the replicas of a service share global permits for hard-capped endpoints,
 * their load per endpoint, token buckets and sliding windows through it (see the package documentation for the
 * keys and what each guarantees).
 *
 * <pre>{@code
 * FleetCoordinator fleet = RedisFleet.builder()
 *     .seeds(List.of(URI.create("redis://10.0.0.9:7000")))    // or .cluster(cacheCluster)
 *     .replicaId(System.getenv("HOSTNAME"))                    // default: a random id
 *     .publishInterval(Duration.ofMillis(250))
 *     .permitTtl(Duration.ofSeconds(10))
 *     .commandBudget(Duration.ofMillis(50))                    // beyond this a call decides locally
 *     .meterRegistry(registry)
 *     .build();
 * }</pre>
 *
 * <p>One daemon thread per coordinator ({@code headroom-fleet-<replica>}) publishes every publish interval (the
 * heartbeat and, per joined pool, its load in one script that returns the others') and renews held permits every
 * third of their TTL. No call waits longer than the command budget: when Redis does not answer in time, or not at
 * all, the coordinator is {@link #degraded()} and decides locally (hard caps divided by the last known live count)
 * until a publish round answers again. No method throws because Redis is slow or down, and {@link Builder#build()}
 * returns within about the connect timeout when Redis cannot be reached (the coordinator then starts degraded).
 */
public final class RedisFleet implements FleetCoordinator {
  private static final Logger log = LoggerFactory.getLogger(RedisFleet.class);

  private final FleetSettings settings;
  private final FleetKeys keys;
  private final FleetClient client;
  private final Degradation degradation;
  private final MeterRegistry registry;
  private final AsyncProxyManager<Object> buckets;
  private final Map<String, RedisPoolLink> links = new ConcurrentHashMap<>();
  private final ScheduledExecutorService thread;
  private final List<Meter> gauges = new ArrayList<>();
  private final Object lock = new Object();
  private boolean closed;

  private RedisFleet(FleetSettings settings) {
    this.settings = settings;
    this.keys = new FleetKeys(settings.keyPrefix());
    this.registry = settings.meterRegistry() != null ? settings.meterRegistry() : new SimpleMeterRegistry();
    this.client = new FleetClient(settings);
    // after an episode, the others' local permits are back in Redis within their next publish round or renewal
    Duration grace = settings.staleAfter().compareTo(settings.renewEvery()) > 0 ? settings.staleAfter()
        : settings.renewEvery();
    this.degradation = new Degradation(settings.replicaId(), settings.shownSeeds(), settings.commandBudget(), grace,
        registry);
    this.buckets = new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(new BucketApi(client))
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
        .build().asAsync();
    String name = "headroom-fleet-" + settings.replicaId();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread = executor;
    gauges.add(Gauge.builder(FleetMetricNames.REPLICAS, degradation, Degradation::lastKnownLive)
        .description("Replicas of the fleet seen alive (the last known count while degraded)")
        .strongReference(true).register(registry));
    gauges.add(Gauge.builder(FleetMetricNames.DEGRADED, degradation, d -> d.degraded() ? 1 : 0)
        .description("1 while fleet decisions are made locally because Redis does not answer")
        .strongReference(true).register(registry));
  }

  /** A builder; {@link Builder#seeds(List)} or {@link Builder#cluster(CacheCluster)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Runs the first publish round (waiting about the connect timeout at most), then schedules the rounds. */
  private void start() {
    Future<?> first = thread.submit(this::publishRound);
    try {
      first.get(settings.connectTimeout().plus(settings.commandBudget()).toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.debug("fleet replica '{}': the first round is still under way; starting degraded", settings.replicaId());
    } catch (ExecutionException e) {
      log.debug("fleet replica '{}': the first round failed", settings.replicaId(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long publish = settings.publishInterval().toNanos();
    long renew = settings.renewEvery().toNanos();
    thread.scheduleWithFixedDelay(this::publishRound, publish, publish, TimeUnit.NANOSECONDS);
    thread.scheduleWithFixedDelay(this::renewRound, renew, renew, TimeUnit.NANOSECONDS);
  }

  @Override
  public String replicaId() {
    return settings.replicaId();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Pool names may hold anything but braces ({@code {hr:<pool>}} is the pool's hash tag).
   */
  @Override
  public PoolLink join(String pool, PoolMember member) {
    Checks checks = Checks.in("fleet replica '" + settings.replicaId() + "'");
    checkName(checks, "pool", pool);
    Objects.requireNonNull(member, "member");
    RedisPoolLink link = new RedisPoolLink(pool, member, settings, keys, client, degradation, registry,
        this::leave);
    synchronized (lock) {
      if (links.putIfAbsent(pool, link) != null) {
        throw new IllegalStateException("pool '" + pool + "' already joined the fleet through this coordinator");
      }
      if (closed) {
        links.remove(pool, link);
        link.abandon(); // decides locally from the start
      }
    }
    return link;
  }

  private void leave(RedisPoolLink link) {
    if (!links.remove(link.pool(), link)) {
      return;
    }
    CompletableFuture<?> left = link.leave();
    try {
      FleetClient.await(left, System.nanoTime() + settings.commandBudget().toNanos());
    } catch (FleetClient.Unanswered e) {
      log.debug("fleet pool '{}': leaving was not confirmed within the budget ({}); its entries expire",
          link.pool(), e.getMessage());
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A Bucket4j bucket at key {@code {hr:ratelimit:<name>}}; degraded, a local bucket of
   * {@code max(1, tokens / liveReplicas)}. Refills follow each replica's own clock.
   */
  @Override
  public RateLimiter rateLimit(String name, long tokens, Duration period) {
    Checks checks = Checks.in("rate limit '" + name + "'");
    checkName(checks, "name", name);
    checks.atLeast("tokens", tokens, 1);
    checks.positive("period", period);
    return new RedisRateLimiter(name, tokens, period, keys.rateLimit(name), buckets, client, degradation,
        settings.commandBudget());
  }

  /**
   * {@inheritDoc}
   *
   * <p>A hash at key {@code {hr:window:<name>}}, slices of whole milliseconds on the Redis server's clock; degraded,
   * a local window with each maximum divided by the live count.
   */
  @Override
  public SharedWindow window(String name, Duration window, int slices) {
    Checks checks = Checks.in("window '" + name + "'");
    checkName(checks, "name", name);
    checks.atLeast("slices", slices, 1);
    checks.positive("window", window);
    long sliceMillis = window.toMillis() / slices;
    if (sliceMillis < 1) {
      throw checks.invalid("window", window, "must be at least 1 ms per slice (" + slices + " slices)");
    }
    return new RedisWindow(name, keys.window(name), sliceMillis, slices, client, degradation,
        settings.commandBudget());
  }

  @Override
  public int liveReplicas() {
    return degradation.lastKnownLive();
  }

  @Override
  public boolean degraded() {
    return degradation.degraded();
  }

  // ---- the coordinator's thread

  /**
   * One publish round: the heartbeat and every pool's load, sent together and awaited within one command budget.
   * When everything answered, the coordinator is in shared mode; when this ends a degraded episode, the permits
   * granted meanwhile are registered at once.
   */
  private void publishRound() {
    try {
      if (!client.connected()) {
        try {
          FleetClient.await(client.connect(), System.nanoTime() + settings.connectTimeout().toNanos());
        } catch (FleetClient.Unanswered e) {
          degradation.failed(e);
          links.values().forEach(link -> link.deliverStale(degradation.lastKnownLive()));
          return;
        }
      } else if (degradation.degraded()) {
        try { // a failover may have moved slots to a node not connected yet
          FleetClient.await(client.refresh(), System.nanoTime() + settings.connectTimeout().toNanos());
        } catch (FleetClient.Unanswered e) {
          log.debug("fleet replica '{}': topology refresh failed: {}", settings.replicaId(), e.getMessage());
        }
      }
      long deadline = System.nanoTime() + settings.commandBudget().toNanos();
      CompletableFuture<Long> heartbeat = client.run(FleetScripts.HEARTBEAT, ScriptOutputType.INTEGER,
          new String[] {keys.replicas()}, settings.replicaId(), settings.staleAfter().toMillis());
      Map<RedisPoolLink, CompletableFuture<List<Object>>> published = new LinkedHashMap<>();
      for (RedisPoolLink link : links.values()) {
        published.put(link, link.publish());
      }
      FleetClient.Unanswered failure = null;
      try {
        degradation.live(FleetClient.await(heartbeat, deadline).intValue());
      } catch (FleetClient.Unanswered e) {
        failure = e;
      }
      Map<RedisPoolLink, List<Object>> views = new LinkedHashMap<>();
      for (Map.Entry<RedisPoolLink, CompletableFuture<List<Object>>> entry : published.entrySet()) {
        try {
          views.put(entry.getKey(), FleetClient.await(entry.getValue(), deadline));
        } catch (FleetClient.Unanswered e) {
          failure = failure == null ? e : failure;
        }
      }
      boolean recovered = false;
      if (failure != null) {
        degradation.failed(failure);
      } else {
        recovered = degradation.answered();
      }
      int live = degradation.lastKnownLive();
      published.keySet().forEach(link -> {
        List<Object> view = views.get(link);
        if (view != null) {
          link.deliver(view, live);
        } else {
          link.deliverStale(live);
        }
      });
      if (recovered) {
        renewRound();
      }
    } catch (RuntimeException e) {
      log.warn("fleet replica '{}': publish round failed", settings.replicaId(), e);
    }
  }

  /**
   * Renews every held permit (registering those granted while degraded) and removes those released while Redis did
   * not answer. Sent in every mode: while degraded it is also how this replica's permits get back into Redis.
   */
  private void renewRound() {
    try {
      if (!client.connected()) {
        return;
      }
      long deadline = System.nanoTime() + settings.commandBudget().toNanos();
      List<CompletableFuture<?>> sent = new ArrayList<>();
      for (RedisPoolLink link : links.values()) {
        sent.add(link.renew());
      }
      for (CompletableFuture<?> renewal : sent) {
        try {
          FleetClient.await(renewal, deadline);
        } catch (FleetClient.Unanswered e) {
          if (!degradation.degraded()) {
            degradation.failed(e);
          }
          return;
        }
      }
    } catch (RuntimeException e) {
      log.warn("fleet replica '{}': permit renewal failed", settings.replicaId(), e);
    }
  }

  // ---- closing

  /**
   * Leaves the fleet: stops the rounds, gives back every permit held, removes this replica's load entries and its
   * registry entry (best effort, within about the command budget), then closes the connection. Links keep deciding
   * locally afterwards.
   */
  @Override
  public void close() {
    List<RedisPoolLink> leaving;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      leaving = new ArrayList<>(links.values());
      links.clear();
    }
    // on the coordinator's thread, after any round under way, so no round writes after the clean-up
    Future<?> cleanUp = thread.submit(() -> {
      long deadline = System.nanoTime() + settings.commandBudget().toNanos();
      List<CompletableFuture<?>> sent = new ArrayList<>();
      leaving.forEach(link -> sent.add(link.leave()));
      if (client.connected()) {
        sent.add(client.zrem(keys.replicas(), List.of(settings.replicaId())));
      }
      for (CompletableFuture<?> f : sent) {
        try {
          FleetClient.await(f, deadline);
        } catch (FleetClient.Unanswered e) {
          log.debug("fleet replica '{}': leaving was not confirmed within the budget ({}); its entries expire",
              settings.replicaId(), e.getMessage());
          return;
        }
      }
    });
    thread.shutdown();
    try {
      cleanUp.get(settings.commandBudget().multipliedBy(2).plus(settings.connectTimeout()).toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.debug("fleet replica '{}': clean-up incomplete: {}", settings.replicaId(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.shutdownNow();
    client.close();
    gauges.forEach(registry::remove);
  }

  /** Stops at once without giving anything back, as a killed process would: for tests of what the others see. */
  void crash() {
    synchronized (lock) {
      closed = true;
      links.values().forEach(RedisPoolLink::abandon);
      links.clear();
    }
    thread.shutdownNow();
    client.close();
    gauges.forEach(registry::remove);
  }

  FleetSettings settings() {
    return settings;
  }

  @Override
  public String toString() {
    return "RedisFleet{replica=" + settings.replicaId() + ", seeds=" + settings.shownSeeds() + ", "
        + (degradation.degraded() ? "degraded" : "shared") + ", live=" + degradation.lastKnownLive() + '}';
  }

  private static final Pattern REPLICA = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private static void checkName(Checks checks, String path, String name) {
    checks.nonBlank(path, name);
    if (name.indexOf('{') >= 0 || name.indexOf('}') >= 0 || name.length() > 200) {
      throw checks.invalid(path, "'" + name + "'", "must be at most 200 characters without { or }");
    }
  }

  /**
   * Settings of a {@link RedisFleet}; everything but where Redis is has a default. {@link #build()} validates them
   * into the immutable settings the coordinator reads.
   */
  public static final class Builder {
    /** Errors name the setting's path below {@code fleet} ({@code publishInterval}, {@code seeds}). */
    private static final Checks CHECKS = Checks.in("fleet");

    private ClusterSeeds.Parsed seeds;
    private CacheCluster cluster;
    private String user;
    private char[] password;
    private String replicaId;
    private Duration publishInterval = Duration.ofMillis(250);
    private Duration permitTtl = Duration.ofSeconds(10);
    private Duration commandBudget = Duration.ofMillis(50);
    private Duration connectTimeout = Duration.ofSeconds(1);
    private String keyPrefix;
    private String clientName;
    private MeterRegistry meterRegistry;

    private Builder() {}

    /**
     * Some nodes of the cluster, as {@code redis://host:port}; the rest is discovered. A seed may carry credentials
     * ({@code redis://:password@host:port}, {@code redis://user:password@host:port}), the same on every seed that
     * has them; they authenticate unless {@link #password} or {@link #credentials} set others, and never appear in
     * {@code toString}, logs or messages.
     */
    public Builder seeds(List<URI> values) {
      this.seeds = ClusterSeeds.parse(values, CHECKS);
      return this;
    }

    /**
     * The Redis Cluster of a {@link CacheCluster} (its seeds, credentials and key prefix): the fleet opens its own
     * connections to the same cluster. Instead of {@link #seeds}.
     */
    public Builder cluster(CacheCluster value) {
      this.cluster = Objects.requireNonNull(value, "cluster");
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
      this.user = null;
      this.password = Objects.requireNonNull(value, "password").clone();
      return this;
    }

    /**
     * This replica's id as the others see it: 1-64 letters, digits and {@code . _ -} (the pod name, say); default a
     * random id. Two live replicas must not share one.
     */
    public Builder replicaId(String value) {
      if (value == null || !REPLICA.matcher(value).matches()) {
        throw CHECKS.invalid("replicaId", value == null ? "(missing)" : "'" + value + "'",
            "must be 1-64 of letters, digits and . _ -");
      }
      this.replicaId = value;
      return this;
    }

    /**
     * How often this replica publishes its load and heartbeat and reads the others' (default 250 ms). An entry is
     * stale after three intervals; every replica of a fleet should use the same interval.
     */
    public Builder publishInterval(Duration value) {
      this.publishInterval = CHECKS.positive("publishInterval", value);
      if (value.toMillis() < 1) {
        throw CHECKS.invalid("publishInterval", value, "must be >= 1 ms");
      }
      return this;
    }

    /**
     * How long a permit outlives its holder's last renewal (default 10 s): the bound on how long a dead replica's
     * permits stay taken. Renewed every third of it.
     */
    public Builder permitTtl(Duration value) {
      this.permitTtl = CHECKS.positive("permitTtl", value);
      if (value.toMillis() < 3) {
        throw CHECKS.invalid("permitTtl", value, "must be >= 3 ms");
      }
      return this;
    }

    /** The longest any call waits for Redis before deciding locally (default 50 ms). */
    public Builder commandBudget(Duration value) {
      this.commandBudget = CHECKS.positive("commandBudget", value);
      return this;
    }

    /** TCP connect timeout; also how long {@link #build()} waits for the first round at most (default 1 s). */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = CHECKS.positive("connectTimeout", value);
      return this;
    }

    /** The first part of every key (default "hr", or the cluster's prefix with {@link #cluster}). */
    public Builder keyPrefix(String value) {
      if (value == null || !REPLICA.matcher(value).matches()) {
        throw CHECKS.invalid("keyPrefix", value, "must be 1-64 of letters, digits and . _ -");
      }
      this.keyPrefix = value;
      return this;
    }

    /** The CLIENT SETNAME of the connections (default "headroom-fleet-&lt;replica&gt;"). */
    public Builder clientName(String value) {
      if (value == null || !REPLICA.matcher(value).matches()) {
        throw CHECKS.invalid("clientName", value, "must be 1-64 of letters, digits and . _ -");
      }
      this.clientName = value;
      return this;
    }

    /** Where meters are registered (default a private {@link SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /**
     * Validates, connects and runs the first publish round, waiting at most about the connect timeout; never throws
     * because Redis is unreachable (the coordinator then starts {@linkplain RedisFleet#degraded() degraded}).
     */
    public RedisFleet build() {
      if (seeds == null && cluster == null) {
        throw CHECKS.invalid("seeds", "[]", "must name at least one redis://host:port (or set cluster)");
      }
      if (seeds != null && cluster != null) {
        throw CHECKS.invalid("cluster", cluster.name(), "must not be set together with seeds");
      }
      if (seeds != null && seeds.shown().isEmpty()) {
        throw CHECKS.invalid("seeds", "[]", "must name at least one redis://host:port");
      }
      String id = replicaId != null ? replicaId : "replica-" + UUID.randomUUID().toString().substring(0, 8);
      List<URI> shown;
      List<RedisURI> uris;
      String prefix = keyPrefix;
      if (cluster != null) {
        shown = ClusterSeeds.shownSeeds(cluster);
        uris = password != null ? ClusterSeeds.redisUris(shown, user, password) : ClusterSeeds.redisUris(cluster);
        prefix = prefix != null ? prefix : ClusterSeeds.keyPrefix(cluster);
      } else {
        shown = seeds.shown();
        uris = password != null ? ClusterSeeds.redisUris(shown, user, password)
            : ClusterSeeds.redisUris(shown, seeds.user(), seeds.password());
      }
      String name = clientName != null ? clientName
          : ("headroom-fleet-" + id).substring(0, Math.min(64, ("headroom-fleet-" + id).length()));
      FleetSettings settings = new FleetSettings(uris, shown, id, publishInterval, permitTtl, commandBudget,
          connectTimeout, prefix != null ? prefix : "hr", name, meterRegistry);
      RedisFleet fleet = new RedisFleet(settings);
      fleet.start();
      return fleet;
    }
  }
}
