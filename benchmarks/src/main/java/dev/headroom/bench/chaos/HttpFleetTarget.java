package dev.headroom.bench.chaos;

import dev.headroom.core.Endpoint;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import dev.headroom.testkit.FakeBackend;
import dev.headroom.testkit.LatencyModel;
import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A core {@link Router} over five HTTP backends: three well-behaved fakes and two hostile servers whose
 * misbehaviour the schedule changes (never answer, drip, cut short, NDJSON, HTML 200, 503 with Retry-After), and
 * one fake killed and restarted. The client is a plain JDK HttpClient that gives each attempt the time the
 * request has left.
 */
final class HttpFleetTarget implements SoakTarget {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final String GOOD = "{\"backend\":\"hostile\",\"serviceMs\":5}";

  private final List<FakeBackend> fakes = new ArrayList<>();
  private final List<HostileServer> hostile = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  private final Pool pool;
  private final Router router;
  private final RouteOptions options = RouteOptions.builder().timeout(TIMEOUT).idempotent(true).build();

  HttpFleetTarget() {
    PoolConfig.Builder config = PoolConfig.builder("soak-http").meterRegistry(registry);
    for (int i = 1; i <= 3; i++) {
      FakeBackend fake = FakeBackend.builder("fake-" + i).slots(4)
          .latency(LatencyModel.fixed(Duration.ofMillis(20))).start();
      fakes.add(fake);
      config.endpoint(Endpoint.of(fake.name(), fake.uri(), 4));
    }
    for (int i = 1; i <= 2; i++) {
      HostileServer server = HostileServer.start(Misbehaviour.answer(200, "application/json", GOOD));
      hostile.add(server);
      config.endpoint(Endpoint.of("hostile-" + i, server.uri(), 4));
    }
    pool = Pool.create(config.build());
    router = Router.builder("soak-http").tier("fleet", pool, Duration.ofMillis(200)).meterRegistry(registry).build();
  }

  @Override
  public String name() {
    return "core Router, HTTP";
  }

  @Override
  public Duration timeout() {
    return TIMEOUT;
  }

  @Override
  public int clients() {
    return 12;
  }

  @Override
  public Duration pause() {
    return Duration.ofMillis(5);
  }

  @Override
  public void request(int client, long seq) {
    router.execute(options, lease -> {
      HttpRequest request = HttpRequest.newBuilder(lease.endpoint().uri().resolve("/work"))
          .timeout(lease.deadline().cap(Duration.ofMillis(800))).GET().build();
      return Replies.json(lease.endpoint().id(), http.send(request, HttpResponse.BodyHandlers.ofString()));
    });
  }

  @Override
  public List<Fault> faults() {
    List<Fault> faults = new ArrayList<>();
    Map<String, Misbehaviour> modes = new LinkedHashMap<>();
    modes.put("never answers", Misbehaviour.neverAnswer());
    modes.put("drips 20 B/s", Misbehaviour.drip(GOOD, 20, "application/json"));
    modes.put("cuts the body short", Misbehaviour.cutAfter(GOOD, 12, "application/json"));
    modes.put("NDJSON to a plain request", Misbehaviour.ndjson(GOOD, "{\"error\":\"boom\"}"));
    modes.put("HTML 200", Misbehaviour.html200());
    modes.put("503 Retry-After 2", Misbehaviour.busy(503, Duration.ofSeconds(2)));
    Misbehaviour good = Misbehaviour.answer(200, "application/json", GOOD);
    modes.forEach((what, mode) -> faults.add(new Fault("both hostile servers: " + what,
        () -> hostile.forEach(h -> h.otherwise(mode)), () -> hostile.forEach(h -> h.otherwise(good)))));
    faults.add(new Fault("fake-1 killed", fakes.get(0)::kill, fakes.get(0)::restart));
    return faults;
  }

  @Override
  public Map<String, Long> leftovers() {
    Map<String, Long> left = new LinkedHashMap<>();
    left.put("leases held", (long) pool.inFlight());
    left.put("hostile connections open", (long) hostile.stream().mapToInt(HostileServer::openConnections).sum());
    return left;
  }

  @Override
  public void close() {
    pool.close();
    fakes.forEach(FakeBackend::close);
    hostile.forEach(HostileServer::close);
  }
}
