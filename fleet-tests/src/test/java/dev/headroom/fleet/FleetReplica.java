package dev.headroom.fleet;

import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.redis.fleet.RedisFleet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One app replica, as a process of its own: a pool with strict caps over the given hosts, sharing them through a
 * {@link RedisFleet}, driven by {@code workers} threads that each lease a host and call it, one call after another.
 * Prints {@code READY}, then {@code STATS ok=<n> errors=<n> degraded=<b>} every 200 ms; on {@code stop} (stdin) it
 * closes and prints {@code DONE ok=<n> errors=<n>}. Errors are printed as {@code ERROR <message>}.
 *
 * <p>Arguments, {@code key=value}: seeds (comma-separated redis URIs), replica, hosts ({@code id=uri,...}), cap,
 * workers, ttlMs, publishMs.
 */
public final class FleetReplica {
  private FleetReplica() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    List<URI> seeds = Arrays.stream(a.get("seeds").split(",")).map(URI::create).toList();
    int cap = Integer.parseInt(a.get("cap"));
    FleetCoordinator fleet = RedisFleet.builder()
        .seeds(seeds)
        .replicaId(a.get("replica"))
        .permitTtl(Duration.ofMillis(Long.parseLong(a.get("ttlMs"))))
        .publishInterval(Duration.ofMillis(Long.parseLong(a.get("publishMs"))))
        .commandBudget(Duration.ofMillis(500)) // five JVMs on two cores: a slow answer is not a dead Redis here
        .build();
    PoolConfig.Builder config = PoolConfig.builder("hosts").coordinator(fleet).strictCaps(true).maxWaiters(1000);
    for (String host : a.get("hosts").split(",")) {
      String[] idUri = host.split("=", 2);
      config.endpoint(Endpoint.of(idUri[0], URI.create(idUri[1]), cap));
    }
    Pool pool = Pool.create(config.build());
    // a cold JVM's first publish round may outlast the budget: the replica then starts degraded, as if alone (the
    // whole cap), which is the documented start-up behaviour but not what this test is about
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (fleet.degraded() && System.nanoTime() < until) {
      Thread.sleep(20); // polling a flag with a bound, not waiting for time to pass
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < Integer.parseInt(a.get("workers")); i++) {
      Thread worker = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try (Lease lease = pool.acquire(Duration.ofSeconds(20))) {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(lease.endpoint().uri().resolve("/work"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200) {
              throw new IllegalStateException("status " + reply.statusCode());
            }
            lease.success();
            ok.incrementAndGet();
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
              return;
            }
            errors.incrementAndGet();
            System.out.println("ERROR " + e);
          }
        }
      }, "worker-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    System.out.println("READY");
    Thread stats = new Thread(() -> {
      while (true) {
        System.out.println("STATS ok=" + ok.get() + " errors=" + errors.get() + " degraded=" + fleet.degraded());
        try {
          Thread.sleep(200); // a report period, not a wait for a condition
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "stats");
    stats.setDaemon(true);
    stats.start();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.equals("stop")) {
      // wait for stop, or for the parent to go away
    }
    workers.forEach(Thread::interrupt);
    for (Thread worker : workers) {
      worker.join(5_000);
    }
    pool.close();
    fleet.close();
    System.out.println("DONE ok=" + ok.get() + " errors=" + errors.get());
    System.out.flush();
    System.exit(0);
  }
}
