package dev.headroom.core.discovery;

import dev.headroom.core.Checks;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a {@link MembershipTarget} (a pool, a router, a browser pool, ...) in step with a {@link DiscoverySource}.
 * Each set the source reports is compared with the target's members:
 *
 * <ul>
 *   <li>a serving member the target lacks is {@linkplain MembershipTarget#add added} (it then waits for its first
 *       probe and warms up, as the target does it);
 *   <li>a member missing from the set, or reported as not serving, is {@linkplain MembershipTarget#drain drained}:
 *       no new work; it is {@linkplain MembershipTarget#remove removed} once its in-flight work has finished, or
 *       when the drain timeout passes, whichever comes first (work still in flight then completes normally: a
 *       pool's removed endpoint keeps its leases);
 *   <li>a draining member reported as serving again before its removal is {@linkplain MembershipTarget#resume
 *       resumed}, and its removal called off;
 *   <li>members the target has that the source reports as serving are left alone (the target's own initial
 *       members, for instance: they are not added again);
 *   <li>a member reported under the same id at a new URI (a pod rescheduled under its name with a new IP) has
 *       moved: the old address drains as above, and once it has been removed the member is added again at the new
 *       one. A target holds one member per id, so the two never overlap.
 * </ul>
 *
 * <p>A failed lookup ({@link DiscoverySource.Listener#onError}) changes nothing: the last set stands. It is counted
 * in {@code headroom.discovery.errors{pool,source}} and logged at most once a minute. Changes are counted in
 * {@code headroom.discovery.changes{pool,source,change}}; {@code headroom.discovery.members{pool,source}} is the
 * target's member count (see {@link DiscoveryMetricNames}). Logs name members by id only, never by URI (a URI may
 * hold credentials).
 *
 * <pre>{@code
 * MembershipSync sync = MembershipSync.builder(source, PoolMembership.of(pool, 4))
 *     .drainTimeout(Duration.ofSeconds(60))
 *     .meterRegistry(registry)
 *     .start();
 * ...
 * sync.close(); // stops the source
 * }</pre>
 *
 * <p>Thread-safe. Reports, drain completions and drain timeouts are applied one at a time, in order, on one
 * thread (the sync's own daemon thread, or the {@link Builder#executor executor} given), so a slow
 * {@code remove} (closing a browser) delays the next change but never races it.
 */
public final class MembershipSync implements AutoCloseable {
  private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String name;
  private final DiscoverySource source;
  private final MembershipTarget target;
  private final long drainTimeoutNanos;
  private final Scheduler scheduler;
  private final SerialExecutor applier;
  /** The sync's own thread, shut down at close; null when the builder was given an executor. */
  private final ExecutorService ownThread;
  private final DiscoveryMetrics metrics;
  private final RateLimitedLog errorLog;
  private final RateLimitedLog failureLog;
  /** The members this sync drains, by id; touched only by tasks of {@link #applier}. */
  private final Map<String, Draining> draining = new HashMap<>();
  /** The member as last added or first seen, by id: to see one come back at a new address. */
  private final Map<String, DiscoveredMember> known = new HashMap<>();
  /** Members that moved: each is added at its new address once the old one has drained and left. */
  private final Map<String, DiscoveredMember> replacing = new HashMap<>();
  private volatile boolean closed;

  private MembershipSync(Builder b, String name) {
    this.name = name;
    this.source = b.source;
    this.target = b.target;
    this.drainTimeoutNanos = b.drainTimeout.toNanos();
    this.scheduler = b.scheduler;
    if (b.executor != null) {
      this.ownThread = null;
      this.applier = new SerialExecutor(b.executor);
    } else {
      this.ownThread = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "headroom-discovery-" + name);
        thread.setDaemon(true);
        return thread;
      });
      this.applier = new SerialExecutor(ownThread);
    }
    this.metrics = new DiscoveryMetrics(b.meterRegistry, name, source.name());
    this.errorLog = new RateLimitedLog(b.ticker, ERROR_LOG_INTERVAL_NANOS);
    this.failureLog = new RateLimitedLog(b.ticker, ERROR_LOG_INTERVAL_NANOS);
  }

  /** A builder that attaches {@code source} to {@code target}. */
  public static Builder builder(DiscoverySource source, MembershipTarget target) {
    return new Builder(source, target);
  }

  /** The name in the {@code pool} tag of its meters and in its logs. */
  public String name() {
    return name;
  }

  /** The source it follows. */
  public DiscoverySource source() {
    return source;
  }

  /** The target it changes. */
  public MembershipTarget target() {
    return target;
  }

  /**
   * Stops the source and the sync. Members it was draining stay drained (and members), with their removals called
   * off; the target's members are otherwise left as they are. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      source.close();
    } catch (RuntimeException e) {
      SyncLog.LOG.warn("membership sync '{}': closing source '{}' failed", name, source.name(), e);
    }
    applier.execute(() -> {
      draining.values().forEach(d -> d.timeout.cancel());
      draining.clear();
    });
    metrics.close();
    if (ownThread != null) {
      ownThread.shutdown();
    }
  }

  @Override
  public String toString() {
    return "MembershipSync{" + name + ", source=" + source.name() + '}';
  }

  private void start() {
    try {
      source.start(new Feed());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- applied on the applier, one at a time

  private void apply(List<DiscoveredMember> reported) {
    if (closed) {
      return;
    }
    Map<String, DiscoveredMember> byId = new LinkedHashMap<>();
    for (DiscoveredMember member : reported) {
      byId.put(member.id(), member); // the last report of an id wins
    }
    Set<String> current = target.memberIds();
    for (DiscoveredMember member : byId.values()) {
      String id = member.id();
      Draining pending = draining.get(id);
      if (pending == null && current.contains(id)) {
        known.putIfAbsent(id, member); // a member the target had before this sync first saw it
      }
      DiscoveredMember was = known.get(id);
      boolean moved = was != null && !was.uri().equals(member.uri());
      if (!member.serving()) {
        replacing.remove(id);
        if (pending == null && current.contains(id)) {
          drain(id);
        }
      } else if (pending != null) {
        if (moved) {
          replacing.put(id, member); // the old address drains on; the new one is added once it has left
        } else {
          replacing.remove(id);
          resume(id, pending);
        }
      } else if (!current.contains(id)) {
        add(member);
      } else if (moved) {
        SyncLog.LOG.info("membership sync '{}': member '{}' moved to a new address; the old one drains, then the new"
            + " one is added (source {})", name, id, source.name());
        replacing.put(id, member);
        drain(id);
      }
    }
    for (String id : current) {
      if (!byId.containsKey(id)) {
        replacing.remove(id);
        if (!draining.containsKey(id)) {
          drain(id);
        }
      }
    }
    countMembers();
  }

  private void add(DiscoveredMember member) {
    try {
      target.add(member);
    } catch (RuntimeException e) {
      failed("add", member.id(), e);
      return;
    }
    known.put(member.id(), member);
    metrics.added();
    SyncLog.LOG.info("membership sync '{}': added member '{}' (source {})", name, member.id(), source.name());
  }

  private void drain(String id) {
    CompletableFuture<Void> done;
    try {
      done = target.drain(id);
    } catch (RuntimeException e) {
      failed("drain", id, e);
      return;
    }
    Draining pending = new Draining();
    draining.put(id, pending);
    metrics.draining();
    SyncLog.LOG.info("membership sync '{}': draining member '{}' (source {}); removed when its work is done, or in"
        + " {} ms", name, id, source.name(), TimeUnit.NANOSECONDS.toMillis(drainTimeoutNanos));
    pending.timeout = scheduler.schedule(drainTimeoutNanos, () -> applier.execute(() -> remove(id, pending, true)));
    done.whenComplete((ignored, error) -> applier.execute(() -> {
      if (error == null) {
        remove(id, pending, false);
      } else {
        forget(id, pending); // cancelled: someone resumed it outside this sync
      }
    }));
  }

  /** Stops tracking a drain that ended without the member draining; the next report decides again. */
  private void forget(String id, Draining pending) {
    if (draining.get(id) == pending) {
      draining.remove(id);
      replacing.remove(id);
      pending.timeout.cancel();
    }
  }

  /** Removes a drained member, unless it was resumed (or removed) meanwhile. */
  private void remove(String id, Draining pending, boolean timedOut) {
    if (closed || draining.get(id) != pending) {
      return;
    }
    draining.remove(id);
    pending.timeout.cancel();
    try {
      target.remove(id);
    } catch (RuntimeException e) {
      failed("remove", id, e);
      countMembers();
      return;
    }
    known.remove(id);
    metrics.removed();
    SyncLog.LOG.info("membership sync '{}': removed member '{}' {}", name, id, timedOut
        ? "after the drain timeout (work still in flight on it completes)" : "after its in-flight work finished");
    DiscoveredMember next = replacing.remove(id);
    if (next != null) {
      add(next); // it moved: back at its new address
    }
    countMembers();
  }

  private void resume(String id, Draining pending) {
    draining.remove(id);
    pending.timeout.cancel();
    try {
      target.resume(id);
    } catch (RuntimeException e) {
      failed("resume", id, e);
      return;
    }
    metrics.resumed();
    SyncLog.LOG.info("membership sync '{}': member '{}' serves again; resumed before its removal", name, id);
  }

  private void countMembers() {
    try {
      metrics.members(target.memberIds().size());
    } catch (RuntimeException e) {
      failed("count", "*", e);
    }
  }

  /** A change the target refused; the next report tries again. */
  private void failed(String what, String id, RuntimeException e) {
    int held = failureLog.tryLog();
    if (held >= 0) {
      SyncLog.LOG.warn("membership sync '{}': could not {} member '{}' ({} more such failures since the last"
          + " warning)", name, what, id, held, e);
    }
  }

  /** A member this sync drains: the timer that removes it anyway. */
  private static final class Draining {
    Scheduler.Cancellable timeout = () -> { };
  }

  /** What the source calls, from its own thread. */
  private final class Feed implements DiscoverySource.Listener {
    @Override
    public void onMembers(List<DiscoveredMember> members) {
      List<DiscoveredMember> copy = List.copyOf(members);
      if (!closed) {
        applier.execute(() -> apply(copy));
      }
    }

    @Override
    public void onError(Throwable error) {
      if (closed) {
        return;
      }
      metrics.error();
      int held = errorLog.tryLog();
      if (held >= 0) {
        SyncLog.LOG.warn("membership sync '{}': source '{}' failed, keeping the last set of members ({} more"
            + " failures since the last warning): {}", name, source.name(), held, String.valueOf(error));
      }
    }
  }

  /** Builds and starts a {@link MembershipSync}. */
  public static final class Builder {
    private final DiscoverySource source;
    private final MembershipTarget target;
    private String name;
    private Duration drainTimeout = Duration.ofSeconds(60);
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler = Scheduler.system();
    private Executor executor;
    private MeterRegistry meterRegistry;

    private Builder(DiscoverySource source, MembershipTarget target) {
      this.source = Objects.requireNonNull(source, "source");
      this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * The {@code pool} tag of its meters and its name in logs. Defaults to the pool's name for a
     * {@link PoolMembership}; required for other targets.
     */
    public Builder name(String value) {
      this.name = value;
      return this;
    }

    /**
     * How long a drained member may keep work in flight before it is removed anyway; default 60 s (the seeds'
     * value). Zero removes at once (what an abrupt removal does). Work still in flight then completes normally.
     */
    public Builder drainTimeout(Duration value) {
      this.drainTimeout = value;
      return this;
    }

    /** The time source (for the once-a-minute error log); default {@link Ticker#system()}. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** Runs the drain timeouts; default {@link Scheduler#system()}. */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** Ticker and scheduler in one, e.g. {@link dev.headroom.core.time.VirtualTime}. */
    public <T extends Ticker & Scheduler> Builder clock(T time) {
      return ticker(time).scheduler(time);
    }

    /**
     * Where changes are applied, one at a time and in order; default a daemon thread of the sync's own, stopped
     * at close. {@code Runnable::run} applies them on the thread that reports them (tests on virtual time).
     */
    public Builder executor(Executor value) {
      this.executor = Objects.requireNonNull(value, "executor");
      return this;
    }

    /** Where its meters go; none by default. */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /** Validates, builds and starts the source: its first report is applied as soon as it comes. */
    public MembershipSync start() {
      String resolved = name != null ? name
          : target instanceof PoolMembership pool ? pool.pool().name() : null;
      Checks checks = Checks.in("membership sync of source '" + source.name() + "'");
      checks.nonBlank("name", resolved);
      checks.nonNegative("drainTimeout", drainTimeout);
      MembershipSync sync = new MembershipSync(this, resolved);
      sync.start();
      return sync;
    }
  }
}
