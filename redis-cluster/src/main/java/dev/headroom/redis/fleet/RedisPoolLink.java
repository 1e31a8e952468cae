package dev.headroom.redis.fleet;

import dev.headroom.core.fleet.EndpointReport;
import dev.headroom.core.fleet.FleetView;
import dev.headroom.core.fleet.PoolLink;
import dev.headroom.core.fleet.PoolMember;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pool's link to the fleet: its global permits (a ZSET per endpoint, members {@code <replica>:<seq>} scored by
 * expiry) and its published load.
 *
 * <p>Every permit this replica holds is listed here, whether Redis granted it or this replica did while degraded.
 * Renewal ({@link #renew()}) writes all of them with a fresh expiry, adding those Redis lacks, so permits granted
 * while degraded are registered as soon as Redis answers again (the set may briefly hold more than the cap; new
 * permits are then refused until it drains). Releases and renewals are sent under one lock, so a released permit is
 * never written back by a renewal that was sent before it.
 */
final class RedisPoolLink implements PoolLink {
  private static final Logger log = LoggerFactory.getLogger(RedisPoolLink.class);

  private final String pool;
  private final PoolMember member;
  private final FleetSettings settings;
  private final FleetKeys keys;
  private final FleetClient client;
  private final Degradation degradation;
  private final Consumer<RedisPoolLink> onClose;
  private final String loadKey;
  private final AtomicLong sequence = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 40) << 16);
  private final Object lock = new Object();
  /** Permits held, per endpoint: their members, newest last. */
  private final Map<String, ArrayDeque<String>> held = new HashMap<>();
  /** Members released while Redis did not answer, per endpoint: removed from Redis when it does. */
  private final Map<String, List<String>> unreleased = new HashMap<>();
  private final Counter grantedShared;
  private final Counter deniedShared;
  private final Counter grantedLocal;
  private final Counter deniedLocal;
  private FleetView lastView = FleetView.EMPTY;
  private long lastViewAt = Long.MIN_VALUE;
  private volatile boolean closed;

  RedisPoolLink(String pool, PoolMember member, FleetSettings settings, FleetKeys keys, FleetClient client,
      Degradation degradation, MeterRegistry registry, Consumer<RedisPoolLink> onClose) {
    this.pool = pool;
    this.member = member;
    this.settings = settings;
    this.keys = keys;
    this.client = client;
    this.degradation = degradation;
    this.onClose = onClose;
    this.loadKey = keys.load(pool);
    this.grantedShared = permits(registry, "granted", "shared");
    this.deniedShared = permits(registry, "denied", "shared");
    this.grantedLocal = permits(registry, "granted", "local");
    this.deniedLocal = permits(registry, "denied", "local");
  }

  private Counter permits(MeterRegistry registry, String result, String mode) {
    return Counter.builder(FleetMetricNames.PERMITS).tag(FleetMetricNames.POOL, pool)
        .tag(FleetMetricNames.RESULT, result).tag(FleetMetricNames.MODE, mode)
        .description("Global permit requests of the pool's hard-capped endpoints").register(registry);
  }

  String pool() {
    return pool;
  }

  @Override
  public boolean tryAcquire(String endpoint, int cap) {
    if (cap < 1) {
      return false;
    }
    String id = settings.replicaId() + ":" + Long.toString(sequence.incrementAndGet(), 36);
    if (closed || degradation.degraded()) {
      return local(endpoint, cap, id);
    }
    if (degradation.cautious() && held(endpoint) >= localShare(endpoint, cap)) {
      deniedShared.increment(); // just back from degraded: the others' local permits may not be in Redis yet
      return false;
    }
    String key = keys.permits(pool, endpoint);
    long deadline = System.nanoTime() + settings.commandBudget().toNanos();
    CompletableFuture<Long> reply = client.run(FleetScripts.ACQUIRE, ScriptOutputType.INTEGER, new String[] {key},
        cap, settings.permitTtl().toMillis(), id);
    boolean granted;
    try {
      granted = FleetClient.await(reply, deadline) == 1L;
    } catch (FleetClient.Unanswered e) {
      degradation.failed(e);
      boolean local = local(endpoint, cap, id);
      // a late grant this replica did not keep goes back at once (a kept one is this permit, registered)
      reply.thenAccept(late -> {
        if (late == 1L && !holds(endpoint, id)) {
          client.zrem(key, List.of(id));
        }
      });
      return local;
    }
    if (!granted) {
      deniedShared.increment();
      return false;
    }
    synchronized (lock) {
      held.computeIfAbsent(endpoint, e -> new ArrayDeque<>()).addLast(id);
    }
    grantedShared.increment();
    return true;
  }

  /**
   * What this replica may hold of an endpoint deciding locally: {@code max(1, cap / last known live replicas)}, and,
   * while the last view from Redis is fresh, no more than the cap less what the others had in flight then (a replica
   * that held more than its share when Redis went away keeps those calls until they end).
   */
  private int localShare(String endpoint, int cap) {
    int share = Math.max(1, cap / degradation.lastKnownLive());
    synchronized (lock) {
      if (lastViewAt != Long.MIN_VALUE && System.nanoTime() - lastViewAt <= settings.staleAfter().toNanos()) {
        share = Math.min(share, Math.max(0, cap - lastView.inFlight(endpoint)));
      }
    }
    return share;
  }

  /** Decides locally: this replica may hold its {@link #localShare}. */
  private boolean local(String endpoint, int cap, String id) {
    int share = localShare(endpoint, cap);
    synchronized (lock) {
      ArrayDeque<String> members = held.computeIfAbsent(endpoint, e -> new ArrayDeque<>());
      if (members.size() < share) {
        members.addLast(id);
        grantedLocal.increment();
        return true;
      }
    }
    deniedLocal.increment();
    return false;
  }

  private boolean holds(String endpoint, String id) {
    synchronized (lock) {
      ArrayDeque<String> members = held.get(endpoint);
      return members != null && members.contains(id);
    }
  }

  @Override
  public void release(String endpoint) {
    synchronized (lock) {
      ArrayDeque<String> members = held.get(endpoint);
      String id = members == null ? null : members.pollLast();
      if (id == null) {
        return;
      }
      if (members.isEmpty()) {
        held.remove(endpoint);
      }
      if (closed) {
        return; // left the fleet: everything it held was given back then
      }
      if (degradation.degraded() || !client.connected()) {
        unreleased.computeIfAbsent(endpoint, e -> new ArrayList<>()).add(id);
        return;
      }
      String key = keys.permits(pool, endpoint);
      client.zrem(key, List.of(id)).whenComplete((removed, error) -> {
        if (error != null) {
          synchronized (lock) {
            unreleased.computeIfAbsent(endpoint, e -> new ArrayList<>()).add(id);
          }
        }
      });
    }
  }

  @Override
  public int held(String endpoint) {
    synchronized (lock) {
      ArrayDeque<String> members = held.get(endpoint);
      return members == null ? 0 : members.size();
    }
  }

  /**
   * Sends the renewal of every permit held (adding those Redis lacks) and the removal of those released while
   * Redis did not answer; completes when Redis has run both.
   */
  CompletableFuture<?> renew() {
    synchronized (lock) {
      List<CompletableFuture<?>> sent = new ArrayList<>();
      if (!unreleased.isEmpty()) {
        Map<String, List<String>> releasing = new HashMap<>(unreleased);
        unreleased.clear();
        releasing.forEach((endpoint, ids) -> sent.add(client.zrem(keys.permits(pool, endpoint), ids)
            .whenComplete((removed, error) -> {
              if (error != null) {
                synchronized (lock) {
                  unreleased.computeIfAbsent(endpoint, e -> new ArrayList<>()).addAll(ids);
                }
              }
            })));
      }
      if (!held.isEmpty()) {
        List<String> permitKeys = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        args.add(settings.permitTtl().toMillis());
        held.forEach((endpoint, ids) -> {
          permitKeys.add(keys.permits(pool, endpoint));
          args.add(ids.size());
          args.addAll(ids);
        });
        CompletableFuture<Long> renewed = client.runInOrder(FleetScripts.RENEW, ScriptOutputType.INTEGER,
            permitKeys.toArray(String[]::new), args.toArray());
        sent.add(renewed.thenAccept(added -> {
          if (added > 0) {
            log.debug("fleet pool '{}': {} held permit(s) were missing from Redis and are registered again", pool,
                added);
          }
        }));
      }
      return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }
  }

  /** Asks the member for its load and sends it; the reply holds the other replicas' live entries. */
  CompletableFuture<List<Object>> publish() {
    List<EndpointReport> reports;
    try {
      reports = member.report();
    } catch (RuntimeException e) {
      log.warn("fleet pool '{}': the pool's report failed; publishing nothing this round", pool, e);
      reports = List.of();
    }
    List<Object> args = new ArrayList<>();
    args.add(settings.replicaId());
    args.add(settings.staleAfter().toMillis());
    for (EndpointReport report : reports) {
      args.add(report.endpoint());
      args.add(report.inFlight());
      args.add(String.format(Locale.ROOT, "%.3f", Math.max(0, report.meanLatencyMillis())));
    }
    synchronized (lock) { // never after leave() removed this replica's entries
      if (closed) {
        return CompletableFuture.completedFuture(List.of());
      }
      return client.runInOrder(FleetScripts.PUBLISH, ScriptOutputType.MULTI, new String[] {loadKey}, args.toArray());
    }
  }

  /** Hands the member the view made of the other replicas' entries (field, value pairs). */
  void deliver(List<Object> entries, int liveReplicas) {
    Map<String, Integer> inFlight = new HashMap<>();
    Map<String, double[]> latency = new HashMap<>(); // sum, count
    for (int i = 0; i + 1 < entries.size(); i += 2) {
      String field = FleetClient.text(entries.get(i));
      String[] value = FleetClient.text(entries.get(i + 1)).split(",");
      int colon = field.indexOf(':');
      if (colon < 0 || value.length < 2) {
        continue;
      }
      String endpoint = field.substring(colon + 1);
      try {
        inFlight.merge(endpoint, Integer.parseInt(value[0]), Integer::sum);
        double millis = Double.parseDouble(value[1]);
        if (millis > 0) {
          double[] sum = latency.computeIfAbsent(endpoint, e -> new double[2]);
          sum[0] += millis;
          sum[1]++;
        }
      } catch (NumberFormatException e) {
        log.debug("fleet pool '{}': skipping a malformed load entry {}", pool, field);
      }
    }
    Map<String, Double> meanLatency = new HashMap<>();
    latency.forEach((endpoint, sum) -> meanLatency.put(endpoint, sum[0] / sum[1]));
    FleetView view = new FleetView(inFlight, meanLatency, liveReplicas, false);
    synchronized (lock) {
      lastView = view;
      lastViewAt = System.nanoTime();
    }
    hand(view);
  }

  /**
   * Redis did not answer this round: the last good view, marked degraded, while it is younger than the staleness
   * limit (three publish intervals); after that a view with nobody else in it.
   */
  void deliverStale(int liveReplicas) {
    FleetView last;
    long at;
    synchronized (lock) {
      last = lastView;
      at = lastViewAt;
    }
    boolean fresh = at != Long.MIN_VALUE && System.nanoTime() - at <= settings.staleAfter().toNanos();
    hand(fresh ? new FleetView(last.inFlight(), last.meanLatencyMillis(), liveReplicas, true)
        : new FleetView(Map.of(), Map.of(), liveReplicas, true));
  }

  private void hand(FleetView view) {
    try {
      member.onView(view);
    } catch (RuntimeException e) {
      log.warn("fleet pool '{}': the pool's view listener failed", pool, e);
    }
  }

  /** Gives back every permit and removes this replica's load entries; the futures complete when Redis did. */
  CompletableFuture<?> leave() {
    List<CompletableFuture<?>> sent = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      Map<String, List<String>> releasing = new HashMap<>(unreleased);
      unreleased.clear();
      held.forEach((endpoint, ids) -> releasing.computeIfAbsent(endpoint, e -> new ArrayList<>()).addAll(ids));
      held.clear();
      if (client.connected()) {
        releasing.forEach((endpoint, ids) -> sent.add(client.zrem(keys.permits(pool, endpoint), ids)));
        sent.add(client.runInOrder(FleetScripts.UNPUBLISH, ScriptOutputType.INTEGER, new String[] {loadKey},
            settings.replicaId()));
      }
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  /** Stops the link without telling Redis (its coordinator crashed). */
  void abandon() {
    closed = true;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    onClose.accept(this);
  }

  @Override
  public String toString() {
    return "PoolLink{" + pool + ", replica=" + settings.replicaId() + '}';
  }
}
