package dev.headroom.examples.routing;

import dev.headroom.core.Endpoint;
import dev.headroom.core.HealthCheck;
import dev.headroom.core.HealthProbe;
import dev.headroom.core.HeadroomMetrics;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import dev.headroom.testkit.FakeBackend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The routing section of the demo: the same load, through plain round robin and through Headroom, against four
 * loopback backends of which one is three times slower, with one fast backend killed halfway through each run.
 */
public final class RoutingDemo {
  private RoutingDemo() {}

  /** The results of both strategies, in the order they ran. */
  public record Outcome(List<String> backends, List<String> strategies, List<Long> p99Millis, List<Integer> errors) {}

  /**
   * Runs both strategies and prints a table.
   *
   * @param requests requests per strategy
   * @param clients concurrent clients (closed loop)
   */
  public static Outcome run(PrintStream out, int requests, int clients) throws InterruptedException {
    try (Fleet fleet = new Fleet()) {
      List<String> backends = new ArrayList<>();
      fleet.local.forEach(b -> backends.add(b.name()));
      backends.add(fleet.cloud.name());
      out.printf(Locale.ROOT, "Fleet: %s (4 slots each, mean %d ms; slow-d is 3x slower), cloud tier %s%n",
          backends.subList(0, 4), Fleet.FAST_MEAN.toMillis(), fleet.cloud.uri());
      out.printf("Load: %d requests per strategy from %d concurrent clients; %s is killed halfway.%n%n",
          requests, clients, fleet.victim().name());

      List<RunResult> results = new ArrayList<>();
      try (LoadRun.Strategy roundRobin = new RoundRobin(fleet)) {
        results.add(LoadRun.run(roundRobin, fleet, requests, clients, out));
      }
      fleet.reset();
      try (LoadRun.Strategy headroom = new Headroom(fleet)) {
        results.add(LoadRun.run(headroom, fleet, requests, clients, out));
      }
      fleet.reset();

      out.println();
      RunResult.printTable(out, backends, results);
      RunResult rr = results.get(0);
      RunResult hr = results.get(1);
      out.printf(Locale.ROOT, "%nHeadroom p99 is %.2fx round robin's (%d ms vs %d ms); client-visible errors %d vs %d.%n",
          (double) hr.percentileMillis(99) / Math.max(1, rr.percentileMillis(99)), hr.percentileMillis(99),
          rr.percentileMillis(99), hr.errors(), rr.errors());
      return new Outcome(backends, results.stream().map(RunResult::strategy).toList(),
          results.stream().map(r -> r.percentileMillis(99)).toList(),
          results.stream().map(RunResult::errors).toList());
    }
  }

  /** Plain round robin over the four local backends, no retries: what a naive client does. */
  private static final class RoundRobin implements LoadRun.Strategy {
    private final List<FakeBackend> backends;
    private final BackendClient client = new BackendClient();
    private final AtomicInteger next = new AtomicInteger();

    RoundRobin(Fleet fleet) {
      this.backends = fleet.local;
    }

    @Override
    public String name() {
      return "round robin";
    }

    @Override
    public String send() throws Exception {
      FakeBackend backend = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
      return client.call(backend.name(), backend.uri());
    }

    @Override
    public long spills() {
      return 0;
    }

    @Override
    public void close() {}
  }

  /**
   * Headroom: a local pool (P2C on peak-EWMA latency, 4 slots per backend as the servers have, a wait budget of
   * 250 ms, health probes every second, outlier ejection, breakers) in front of a cloud tier, idempotent retries
   * within the retry budget.
   */
  private static final class Headroom implements LoadRun.Strategy {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BackendClient client = new BackendClient();
    private final Pool local;
    private final Pool cloud;
    private final Router router;
    private final RouteOptions options = RouteOptions.builder().idempotent(true).timeout(Duration.ofSeconds(5))
        .build();

    Headroom(Fleet fleet) {
      HttpClient probeClient = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
      PoolConfig.Builder localConfig = PoolConfig.builder("local")
          .meterRegistry(registry)
          .healthCheck(HealthCheck.builder(HealthProbe.httpGet(probeClient, "/health", Duration.ofMillis(500)))
              .interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500)).unhealthyThreshold(1).build());
      for (FakeBackend backend : fleet.local) {
        localConfig.endpoint(Endpoint.of(backend.name(), backend.uri(), Fleet.SLOTS));
      }
      local = Pool.create(localConfig.build());
      cloud = Pool.create(PoolConfig.builder("cloud").meterRegistry(registry)
          .endpoint(Endpoint.of(fleet.cloud.name(), URI.create(fleet.cloud.uri().toString()), 64)).build());
      router = Router.builder("demo").meterRegistry(registry)
          .tier("local", local, Duration.ofMillis(250))
          .tier("cloud", cloud, Duration.ofMillis(250))
          .build();
    }

    @Override
    public String name() {
      return "headroom";
    }

    @Override
    public String send() {
      return router.execute(options, lease -> client.call(lease.endpoint().id(), lease.endpoint().uri()));
    }

    @Override
    public long spills() {
      return (long) registry.find(HeadroomMetrics.SPILLOVER).tag("to", "cloud").counters().stream()
          .mapToDouble(Counter::count).sum();
    }

    @Override
    public void close() {
      local.close();
      cloud.close();
    }
  }
}
