package dev.headroom.fleet;

import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.redis.fleet.RedisFleet;
import dev.headroom.testkit.FakeBackend;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One app replica inside the test JVM (for tests that kill Redis, not a replica): its own {@link RedisFleet}, a pool
 * with strict caps over the given hosts, and worker threads that each lease a host and call it, one call after
 * another, from {@link #drive(int)} until {@link #stop()}. A request fails when the lease is not granted within
 * {@link #ACQUIRE_WAIT}, or the call does not answer 200.
 *
 * <p>It also counts its own calls per host: {@link #peak(String)} is the most of its calls that were on the host
 * right after one of its leases was granted, since the start or the last {@link #resetPeaks()} (what this replica
 * held when it granted itself one more).
 */
final class PoolReplica implements AutoCloseable {
  /** How long a request may wait for a lease: far longer than a failover, so a wait is never mistaken for a fault. */
  static final Duration ACQUIRE_WAIT = Duration.ofSeconds(20);

  final String id;
  final RedisFleet fleet;
  final Pool pool;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, AtomicInteger> ownInFlight = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> peaks = new LinkedHashMap<>();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running = true;

  private PoolReplica(String id, RedisFleet fleet, int cap, List<FakeBackend> hosts) {
    this.id = id;
    this.fleet = fleet;
    PoolConfig.Builder config = PoolConfig.builder("hosts").coordinator(fleet).strictCaps(true).maxWaiters(1000);
    for (FakeBackend host : hosts) {
      config.endpoint(Endpoint.of(host.name(), host.uri(), cap));
      ownInFlight.put(host.name(), new AtomicInteger());
      peaks.put(host.name(), new AtomicInteger());
    }
    this.pool = Pool.create(config.build());
  }

  /** Builds the fleet with this replica id and the pool over {@code hosts}, each capped at {@code cap}; no workers. */
  static PoolReplica create(String id, RedisFleet.Builder fleet, int cap, List<FakeBackend> hosts) {
    return new PoolReplica(id, fleet.replicaId(id).build(), cap, hosts);
  }

  /** Starts {@code count} workers; returns this replica. */
  PoolReplica drive(int count) {
    for (int i = 0; i < count; i++) {
      Thread worker = new Thread(this::work, id + "-worker-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    return this;
  }

  private void work() {
    while (running) {
      try (Lease lease = pool.acquire(ACQUIRE_WAIT)) {
        String host = lease.endpoint().id();
        AtomicInteger mine = ownInFlight.get(host);
        peaks.get(host).accumulateAndGet(mine.incrementAndGet(), Math::max);
        try {
          HttpResponse<String> reply = http.send(HttpRequest.newBuilder(lease.endpoint().uri().resolve("/work"))
              .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
          if (reply.statusCode() != 200) {
            throw new IllegalStateException(host + " answered " + reply.statusCode());
          }
        } finally {
          mine.decrementAndGet(); // before the lease ends: never counted off after its slot is reused
        }
        lease.success();
        ok.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail(e);
        return;
      } catch (Exception e) {
        fail(e);
      }
    }
  }

  private void fail(Exception e) {
    failed.incrementAndGet();
    if (failures.size() < 10) {
      failures.add(e.toString());
    }
  }

  long ok() {
    return ok.get();
  }

  long failed() {
    return failed.get();
  }

  /** The first few failures, for assertion messages. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  /** The most of this replica's calls on {@code host} right after one of its leases there was granted. */
  int peak(String host) {
    return peaks.get(host).get();
  }

  /** Starts counting {@link #peak} afresh, from leases granted from now on. */
  void resetPeaks() {
    peaks.values().forEach(p -> p.set(0));
  }

  /** Lets every worker finish its call and stop; returns once they have. */
  void stop() throws InterruptedException {
    running = false;
    for (Thread worker : workers) {
      worker.join(ACQUIRE_WAIT.plusSeconds(40).toMillis());
    }
  }

  @Override
  public void close() {
    running = false;
    workers.forEach(Thread::interrupt);
    pool.close();
    fleet.close();
  }

  @Override
  public String toString() {
    return "replica " + id + " ok=" + ok + " failed=" + failed + " degraded=" + fleet.degraded() + " live="
        + fleet.liveReplicas() + " peaks=" + peaks + " failures=" + failures;
  }
}
