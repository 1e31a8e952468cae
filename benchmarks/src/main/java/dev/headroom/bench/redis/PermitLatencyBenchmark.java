package dev.headroom.bench.redis;

import dev.headroom.core.Deadline;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.PoolExhaustedException;
import dev.headroom.core.Selector;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.redis.fleet.FleetMetricNames;
import dev.headroom.redis.fleet.RedisFleet;
import dev.headroom.testkit.redis.RedisClusterFixture;
import dev.headroom.testkit.redis.RedisNode;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a global permit costs (issue 13): a core {@link Pool} with a {@link RedisFleet} and
 * {@code strictCaps(true)} takes one permit per lease (one {@code EVALSHA} on the pick path, an asynchronous
 * {@code ZREM} when the lease ends). Everything runs in one process against a real 6-node Redis Cluster
 * ({@link RedisClusterFixture}) on loopback, and every figure is compared with a baseline of the same run:
 *
 * <ol>
 *   <li>latency, one caller, the paths interleaved in blocks so that all see the same background load: a plain
 *       Lettuce {@code GET} of a key on the permits' master (one round trip, the baseline), a {@code SET} there (a
 *       write, which the master also sends to its replica), an {@code EVALSHA} of {@code return 1} there (a round
 *       trip through the script engine), the same followed by a {@code ZREM} that is not awaited (a strict lease's
 *       command pattern without Headroom), and acquire + {@code success()} on three pools of 4 endpoints: local (no
 *       coordinator), soft (the fleet's shared view, no strict caps) and strict, with the time the caller spends in
 *       {@code success()};
 *   <li>per GET, SET, {@code EVALSHA return 1} and strict lease, each run alone: the commands the master ran
 *       and the master's own time ({@code INFO commandstats}), which separates the script's cost from the client's;
 *   <li>throughput with 1, 2, 4 and 8 caller threads: strict leases/s against {@code GET}s/s on the same shared
 *       connection and against local leases/s;
 *   <li>contention: 4 coordinators (replicas) in this process, each with a strict pool of one endpoint capped at 2
 *       and 2 callers, so 8 callers want 2 permits: leases granted per second and per replica, permits Redis
 *       refused, acquires that timed out, and the most leases held at once (must stay at most the cap).
 * </ol>
 *
 * <p>Every coordinator gets a command budget of 1 s instead of the default 50 ms, so that a scheduling stall of this
 * 2-core machine does not turn a permit into a local decision (which would make it look faster); the number of
 * local decisions is printed and should be 0.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.redis.PermitLatencyBenchmark
 * # options: --warmup=10000 --rounds=60 --block=500 --seconds=2 --contention-seconds=10</pre>
 */
public final class PermitLatencyBenchmark {
  private static final String LOCAL = "permit-local";
  private static final String SOFT = "permit-soft";
  private static final String STRICT = "permit-strict";
  private static final String CONTENDED = "permit-contended";
  private static final int ENDPOINTS = 4;
  /** Each endpoint's limit, which with strict caps is also its global cap: never reached by these callers. */
  private static final int LARGE_CAP = 100_000;
  private static final int CONTENDED_CAP = 2;
  private static final int REPLICAS = 4;
  private static final int CALLERS_PER_REPLICA = 2;
  private static final Duration MAX_WAIT = Duration.ofSeconds(2);
  private static final Duration BUDGET = Duration.ofSeconds(1);
  private static final int[] THREADS = {1, 2, 4, 8};
  private static final String GET = "Lettuce GET, same master (baseline: one round trip)";
  private static final String SET = "Lettuce SET, same master (a replicated write)";
  private static final String EVALSHA = "Lettuce EVALSHA `return 1`, same master";
  private static final String EMULATED = "Lettuce EVALSHA `return 1` awaited, then ZREM not awaited";
  private static final String LOCAL_PATH = "local pool: acquire + success";
  private static final String SOFT_PATH = "soft pool (RedisFleet, shared view): acquire + success";
  private static final String STRICT_PATH = "strict pool (RedisFleet, strictCaps): acquire + success";

  private final RedisClusterFixture redis;
  private final Options options;

  private PermitLatencyBenchmark(RedisClusterFixture redis, Options options) {
    this.redis = redis;
    this.options = options;
  }

  /** Runs every part and prints Markdown tables. */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    String loadBefore = loadAverage();
    long started = System.nanoTime();
    try (RedisClusterFixture redis = RedisClusterFixture.start()) {
      System.out.printf(Locale.ROOT, "load average at start: %s (%d cores)%n", loadBefore,
          Runtime.getRuntime().availableProcessors());
      new PermitLatencyBenchmark(redis, options).run();
    }
    System.out.printf(Locale.ROOT, "%nload average at end: %s; wall time %.0f s%n", loadAverage(),
        (System.nanoTime() - started) / 1e9);
  }

  private void run() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
        .build();
    RedisClusterClient raw = RedisClusterClient.create(resources,
        redis.uris().stream().map(uri -> RedisURI.create(uri.toString())).toList());
    RedisFleet fleet = RedisFleet.builder().seeds(redis.uris()).replicaId("bench-main").commandBudget(BUDGET)
        .meterRegistry(registry).build();
    try (StatefulRedisClusterConnection<String, String> connection = raw.connect();
        Pool local = pool(LOCAL, FleetCoordinator.local(), false, ENDPOINTS, LARGE_CAP);
        Pool soft = pool(SOFT, fleet, false, ENDPOINTS, LARGE_CAP);
        Pool strict = pool(STRICT, fleet, true, ENDPOINTS, LARGE_CAP)) {
      connection.setReadFrom(ReadFrom.UPSTREAM);
      RedisAdvancedClusterAsyncCommands<String, String> redisAsync = connection.async();
      String key = "{hr:" + STRICT + "}:rtt"; // the permits' hash tag: the same slot, so the same master
      redisAsync.set(key, "1").get();
      String sha = redisAsync.scriptLoad("return 1").get(); // loaded on every master
      Long one = redisAsync.<Long>evalsha(sha, ScriptOutputType.INTEGER, key).get();
      if (fleet.degraded() || one == null || one != 1L) {
        throw new IllegalStateException("the cluster is not ready: " + fleet);
      }
      RedisNode master = redis.masterForKey(key);
      System.out.printf(Locale.ROOT, "permits and the baseline key on master :%d (slot %d)%n", master.port(),
          redis.slotOf(key));

      Map<String, Measured> paths = new LinkedHashMap<>();
      String written = "{hr:" + STRICT + "}:written";
      String zset = "{hr:" + STRICT + "}:emulated";
      paths.put(GET, () -> {
        redisAsync.get(key).get();
        return 0;
      });
      paths.put(SET, () -> {
        redisAsync.set(written, "1").get();
        return 0;
      });
      paths.put(EVALSHA, () -> {
        redisAsync.evalsha(sha, ScriptOutputType.INTEGER, key).get();
        return 0;
      });
      paths.put(EMULATED, () -> {
        redisAsync.evalsha(sha, ScriptOutputType.INTEGER, key).get();
        long sent = System.nanoTime();
        redisAsync.zrem(zset, "absent");
        return System.nanoTime() - sent;
      });
      paths.put(LOCAL_PATH, () -> lease(local));
      paths.put(SOFT_PATH, () -> lease(soft));
      paths.put(STRICT_PATH, () -> lease(strict));
      printLatency(latency(paths));

      Map<String, Measured> isolated = new LinkedHashMap<>();
      for (String path : List.of(GET, SET, EVALSHA, STRICT_PATH)) {
        isolated.put(path, paths.get(path));
      }
      serverTime(isolated, master);

      throughput(redisAsync, key, local, strict);

      printDecisions("strict and soft pools", List.of(registry));
    } finally {
      fleet.close();
      raw.shutdown();
      resources.shutdown();
    }
    contention(); // after the main fleet left: its heartbeat would count as a fifth replica
  }

  // ---- latency

  /** Per path: the whole call's latency, and that of its part after the awaited round trip (the release). */
  private Map<String, Nanos[]> latency(Map<String, Measured> paths) throws Exception {
    List<String> names = new ArrayList<>(paths.keySet());
    int n = names.size();
    for (int done = 0; done < options.warmup; done += options.block) { // every path, interleaved, before measuring
      for (Measured path : paths.values()) {
        for (int i = 0; i < options.block; i++) {
          path.call();
        }
      }
    }
    Map<String, Nanos[]> samples = new LinkedHashMap<>();
    for (String name : names) {
      samples.put(name, new Nanos[] {new Nanos(options.rounds * options.block),
          new Nanos(options.rounds * options.block)});
    }
    for (int round = 0; round < options.rounds; round++) {
      for (int k = 0; k < n; k++) {
        String name = names.get((round + k) % n); // the order rotates, so no path always follows the same one
        Measured path = paths.get(name);
        Nanos whole = samples.get(name)[0];
        Nanos after = samples.get(name)[1];
        for (int i = 0; i < options.block; i++) {
          long start = System.nanoTime();
          long release = path.call();
          whole.add(System.nanoTime() - start);
          after.add(release);
        }
      }
    }
    return samples;
  }

  private void printLatency(Map<String, Nanos[]> samples) {
    Nanos get = samples.get(GET)[0];
    Nanos set = samples.get(SET)[0];
    Nanos local = samples.get(LOCAL_PATH)[0];
    Nanos strict = samples.get(STRICT_PATH)[0];
    System.out.printf(Locale.ROOT, "%n### Latency, one caller (%d samples per path, interleaved in blocks of %d, "
        + "after %d warm-up calls of each)%n%n", get.size(), options.block, options.warmup);
    System.out.println("| path | p50 | p90 | p99 | p50 / GET p50 | p99 / GET p99 | p50 / SET p50 |");
    System.out.println("|---|--:|--:|--:|--:|--:|--:|");
    samples.forEach((name, pair) -> {
      Nanos s = pair[0];
      System.out.printf(Locale.ROOT, "| %s | %.1f µs | %.1f µs | %.1f µs | %.2f | %.2f | %.2f |%n", name,
          s.micros(0.5), s.micros(0.9), s.micros(0.99), s.micros(0.5) / get.micros(0.5),
          s.micros(0.99) / get.micros(0.99), s.micros(0.5) / set.micros(0.5));
    });
    double addedP50 = strict.micros(0.5) - local.micros(0.5);
    double addedP99 = strict.micros(0.99) - local.micros(0.99);
    System.out.printf(Locale.ROOT, "| **strict − local (added by the permit)** | **%.1f µs** | %.1f µs | %.1f µs "
        + "| **%.2f** | %.2f | %.2f |%n", addedP50, strict.micros(0.9) - local.micros(0.9), addedP99,
        addedP50 / get.micros(0.5), addedP99 / get.micros(0.99), addedP50 / set.micros(0.5));
    System.out.printf(Locale.ROOT, "%nstrict p50 / local p50 = %.0f; strict p99 / local p99 = %.0f%n",
        strict.micros(0.5) / local.micros(0.5), strict.micros(0.99) / local.micros(0.99));
    Nanos strictRelease = samples.get(STRICT_PATH)[1];
    Nanos emulatedZrem = samples.get(EMULATED)[1];
    System.out.printf(Locale.ROOT, "of which the caller spent in success() (release: ZREM handed to Lettuce, not "
        + "awaited) p50 %.1f µs, p99 %.1f µs; in the emulation's ZREM send p50 %.1f µs, p99 %.1f µs%n",
        strictRelease.micros(0.5), strictRelease.micros(0.99), emulatedZrem.micros(0.5), emulatedZrem.micros(0.99));
  }

  // ---- what Redis runs per call

  private static final List<String> COMMANDS = List.of("get", "set", "evalsha", "zrem", "zadd",
      "zremrangebyscore", "zcard", "zrange", "pexpireat");

  /**
   * Runs each path alone, 5,000 times in a row, and prints the commands the master ran per call and the master's
   * own time per call ({@code INFO commandstats}: GET, SET, EVALSHA and ZREM; a script's time includes the commands it
   * calls, which are also counted on their own).
   */
  private void serverTime(Map<String, Measured> paths, RedisNode master) throws Exception {
    int calls = 5_000;
    System.out.printf(Locale.ROOT, "%n### What the permits' master runs per call (each path %,d times in a row; "
        + "INFO commandstats)%n%n", calls);
    System.out.println("| path | " + String.join(" | ", COMMANDS) + " | master µs per call |");
    System.out.println("|---|" + "--:|".repeat(COMMANDS.size() + 1));
    for (Map.Entry<String, Measured> path : paths.entrySet()) {
      Map<String, double[]> before = commandStats(master);
      for (int i = 0; i < calls; i++) {
        path.getValue().call();
      }
      Map<String, double[]> after = commandStats(master);
      StringBuilder row = new StringBuilder("| " + path.getKey() + " |");
      for (String command : COMMANDS) {
        row.append(String.format(Locale.ROOT, " %.2f |", delta(before, after, command, 0) / calls));
      }
      double micros = delta(before, after, "get", 1) + delta(before, after, "set", 1)
          + delta(before, after, "evalsha", 1) + delta(before, after, "zrem", 1);
      row.append(String.format(Locale.ROOT, " %.1f |", micros / calls));
      System.out.println(row);
    }
    System.out.println("(the coordinator's own publish and renewal, EVAL every 250 ms and ~3 s, are not shown)");
  }

  private static double delta(Map<String, double[]> before, Map<String, double[]> after, String command, int i) {
    return after.getOrDefault(command, new double[2])[i] - before.getOrDefault(command, new double[2])[i];
  }

  /** Per command name: calls and total microseconds on {@code node} since it started. */
  private Map<String, double[]> commandStats(RedisNode node) {
    Map<String, double[]> stats = new LinkedHashMap<>();
    for (String line : redis.command(node, "INFO", "commandstats").split("\n")) {
      line = line.strip();
      if (line.startsWith("cmdstat_")) {
        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
        stats.put(name, new double[] {Double.parseDouble(field(line, "calls=")),
            Double.parseDouble(field(line, "usec="))});
      }
    }
    return stats;
  }

  private static String field(String line, String name) {
    int from = line.indexOf(name) + name.length();
    int to = line.indexOf(',', from);
    return line.substring(from, to < 0 ? line.length() : to);
  }

  // ---- throughput

  private void throughput(RedisAdvancedClusterAsyncCommands<String, String> redisAsync, String key, Pool local,
      Pool strict) throws Exception {
    Duration measure = Duration.ofSeconds(options.seconds);
    Duration localMeasure = Duration.ofMillis(Math.max(500, options.seconds * 500L));
    System.out.printf(Locale.ROOT, "%n### Throughput (%d s per figure, %d ms for the local pool; the callers share "
        + "one cluster connection, as a coordinator's pools do)%n%n", options.seconds, localMeasure.toMillis());
    System.out.println("| caller threads | GET round trips/s | strict permits/s | strict / GET | local leases/s "
        + "| strict / local |");
    System.out.println("|--:|--:|--:|--:|--:|--:|");
    for (int threads : THREADS) {
      Callers.run(threads, Duration.ofMillis(300), caller -> lease(strict)); // settle the new thread count
      double gets = Callers.sum(Callers.run(threads, measure, caller -> redisAsync.get(key).get()))
          / (double) options.seconds;
      double permits = Callers.sum(Callers.run(threads, measure, caller -> lease(strict)))
          / (double) options.seconds;
      double locals = Callers.sum(Callers.run(threads, localMeasure, caller -> lease(local)))
          / (localMeasure.toMillis() / 1000.0);
      System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2f | %,.0f | %.4f |%n", threads, gets, permits,
          permits / gets, locals, permits / locals);
    }
  }

  // ---- contention

  private void contention() throws Exception {
    List<MeterRegistry> registries = new ArrayList<>();
    List<RedisFleet> fleets = new ArrayList<>();
    List<Pool> pools = new ArrayList<>();
    try {
      for (int r = 0; r < REPLICAS; r++) {
        MeterRegistry registry = new SimpleMeterRegistry();
        registries.add(registry);
        RedisFleet fleet = RedisFleet.builder().seeds(redis.uris()).replicaId("contender-" + r).commandBudget(BUDGET)
            .meterRegistry(registry).build();
        fleets.add(fleet);
        pools.add(pool(CONTENDED, fleet, true, 1, CONTENDED_CAP));
      }
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (fleets.stream().anyMatch(f -> f.liveReplicas() != REPLICAS)) { // each sees the others' heartbeats
        if (System.nanoTime() - until > 0) {
          throw new IllegalStateException("the replicas do not see each other: " + fleets);
        }
        Thread.sleep(50);
      }
      int callers = REPLICAS * CALLERS_PER_REPLICA;
      AtomicInteger holding = new AtomicInteger();
      AtomicInteger mostHeld = new AtomicInteger();
      long[] granted = new long[callers];
      long[] timedOut = new long[callers];
      Callers.Call call = caller -> {
        Lease lease;
        try {
          lease = pools.get(caller / CALLERS_PER_REPLICA).acquire(MAX_WAIT);
        } catch (PoolExhaustedException e) {
          timedOut[caller]++;
          return;
        }
        mostHeld.accumulateAndGet(holding.incrementAndGet(), Math::max);
        holding.decrementAndGet();
        lease.success();
        granted[caller]++;
      };
      Callers.run(callers, Duration.ofSeconds(2), call); // warm-up
      Arrays.fill(granted, 0);
      Arrays.fill(timedOut, 0);
      mostHeld.set(0);
      double deniedBefore = permits(registries, "denied", "shared");
      double grantedBefore = permits(registries, "granted", "shared");
      Duration measure = Duration.ofSeconds(options.contentionSeconds);
      Callers.run(callers, measure, call);
      double seconds = measure.toMillis() / 1000.0;
      long total = Callers.sum(granted);
      double denied = permits(registries, "denied", "shared") - deniedBefore;
      double grantedByRedis = permits(registries, "granted", "shared") - grantedBefore;
      System.out.printf(Locale.ROOT, "%n### Contention: %d replicas × %d callers, one endpoint capped at %d, "
          + "acquire (max wait %d s) + success, %d s%n%n", REPLICAS, CALLERS_PER_REPLICA, CONTENDED_CAP,
          MAX_WAIT.toSeconds(), options.contentionSeconds);
      System.out.println("| replica | leases granted | share | acquires timed out |");
      System.out.println("|---|--:|--:|--:|");
      for (int r = 0; r < REPLICAS; r++) {
        long g = 0;
        long t = 0;
        for (int c = r * CALLERS_PER_REPLICA; c < (r + 1) * CALLERS_PER_REPLICA; c++) {
          g += granted[c];
          t += timedOut[c];
        }
        System.out.printf(Locale.ROOT, "| contender-%d | %,d | %.1f%% | %d |%n", r, g, 100.0 * g / total, t);
      }
      System.out.printf(Locale.ROOT, "| **all** | **%,d (%,.0f/s)** | | %d |%n", total, total / seconds,
          Callers.sum(timedOut));
      System.out.printf(Locale.ROOT, "%npermits granted by Redis %,.0f (%,.0f/s), refused by Redis %,.0f "
          + "(%,.0f/s, %.2f per lease granted); most leases held at once across the replicas: %d (cap %d)%n",
          grantedByRedis, grantedByRedis / seconds, denied, denied / seconds, denied / Math.max(1, total),
          mostHeld.get(), CONTENDED_CAP);
      printDecisions("contending replicas", registries);
      if (mostHeld.get() > CONTENDED_CAP) {
        System.out.println("**CAP EXCEEDED**");
      }
    } finally {
      pools.forEach(Pool::close);
      fleets.forEach(RedisFleet::close);
    }
  }

  // ---- helpers

  private static void printDecisions(String who, List<MeterRegistry> registries) {
    System.out.printf(Locale.ROOT, "%ndecided locally (Redis too slow or down) in the %s: granted %.0f, refused "
        + "%.0f; fleet errors %.0f%n", who, permits(registries, "granted", "local"),
        permits(registries, "denied", "local"), registries.stream()
            .flatMap(r -> r.find(FleetMetricNames.ERRORS).counters().stream()).mapToDouble(Counter::count).sum());
  }

  private static double permits(List<MeterRegistry> registries, String result, String mode) {
    return registries.stream().flatMap(r -> r.find(FleetMetricNames.PERMITS).tag(FleetMetricNames.RESULT, result)
        .tag(FleetMetricNames.MODE, mode).counters().stream()).mapToDouble(Counter::count).sum();
  }

  private static Pool pool(String name, FleetCoordinator coordinator, boolean strictCaps, int endpoints, int limit) {
    PoolConfig.Builder config = PoolConfig.builder(name).coordinator(coordinator).strictCaps(strictCaps);
    for (int i = 0; i < endpoints; i++) {
      config.endpoint(Endpoint.of("e" + i, URI.create("http://e" + i), limit));
    }
    return Pool.create(config.build());
  }

  /** One lease as an application takes it: acquire with a deadline, call (nothing here), report success. */
  private static long lease(Pool pool) {
    Lease lease = pool.acquire(Selector.any(), Deadline.after(MAX_WAIT, pool.ticker()));
    long acquired = System.nanoTime();
    lease.success();
    return System.nanoTime() - acquired;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** One measured call. */
  @FunctionalInterface
  private interface Measured {
    /** Makes the call; returns the nanoseconds of its part after the awaited round trip (0 if none). */
    long call() throws Exception;
  }

  /** Command-line options, {@code --name=value}. */
  private static final class Options {
    int warmup = 10_000;
    int rounds = 60;
    int block = 500;
    int seconds = 2;
    int contentionSeconds = 10;

    static Options parse(String[] args) {
      Options o = new Options();
      for (String arg : args) {
        String[] kv = arg.replaceFirst("^--", "").split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("expected --name=value: " + arg);
        }
        int value = Integer.parseInt(kv[1]);
        switch (kv[0]) {
          case "warmup" -> o.warmup = value;
          case "rounds" -> o.rounds = value;
          case "block" -> o.block = value;
          case "seconds" -> o.seconds = value;
          case "contention-seconds" -> o.contentionSeconds = value;
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return o;
    }
  }
}
