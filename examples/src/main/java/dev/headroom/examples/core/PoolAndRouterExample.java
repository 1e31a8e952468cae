package dev.headroom.examples.core;

import dev.headroom.core.BackendException;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import dev.headroom.testkit.FakeBackend;
import dev.headroom.testkit.LatencyModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * headroom-core in one page: a pool of two local nodes (2 slots each), a cloud tier, and a router that waits at
 * most 50 ms for a local slot before it spills to the cloud. Runs on fake backends on loopback.
 *
 * <pre>java -cp examples/target/headroom-demo.jar dev.headroom.examples.core.PoolAndRouterExample</pre>
 */
public final class PoolAndRouterExample {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private PoolAndRouterExample() {}

  /** Runs the example and prints who served what. */
  public static void main(String[] args) throws Exception {
    LatencyModel slow = LatencyModel.fixed(Duration.ofMillis(100));
    try (FakeBackend node1 = FakeBackend.builder("node-1").slots(2).latency(slow).start();
        FakeBackend node2 = FakeBackend.builder("node-2").slots(2).latency(slow).start();
        FakeBackend cloud = FakeBackend.builder("cloud").slots(32).start()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Pool local = Pool.create(PoolConfig.builder("local")
          .endpoint(Endpoint.of("node-1", node1.uri(), 2))      // 2 = the node's parallel slots
          .endpoint(Endpoint.of("node-2", node2.uri(), 2))
          .meterRegistry(registry)
          .build());
      Pool remote = Pool.create(PoolConfig.builder("cloud")
          .endpoint(Endpoint.of("cloud-1", cloud.uri(), 32))
          .meterRegistry(registry)
          .build());
      Router router = Router.builder("chat")
          .tier("local", local, Duration.ofMillis(50))           // wait at most 50 ms for a local slot
          .tier("cloud", remote, Duration.ZERO)                  // then overflow
          .meterRegistry(registry)
          .build();

      // 1. A lease by hand: the least-loaded node, returned with its outcome.
      try (Lease lease = local.acquire(Duration.ofMillis(200))) {
        System.out.println("one request by hand: served by " + get(lease.endpoint().uri()));
        lease.success();
      }

      // 2. Twenty requests at once through the router: four local slots, the rest spill to the cloud.
      ExecutorService callers = Executors.newFixedThreadPool(20);
      List<Future<String>> replies = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        replies.add(callers.submit(() -> router.execute(RouteOptions.defaults(), lease -> get(lease.endpoint().uri()))));
      }
      Map<String, Integer> servedBy = new TreeMap<>();
      for (Future<String> reply : replies) {
        servedBy.merge(reply.get(), 1, Integer::sum);
      }
      callers.shutdown();
      System.out.println("twenty at once: " + servedBy);
      System.out.println("spilled local -> cloud: "
          + registry.get("headroom.spillover").tag("from", "local").counter().count());
      System.out.println("leases still held: " + (local.inFlight() + remote.inFlight()));
      router.close(); // closes both of its pools
    }
  }

  /** GETs /work and returns the name of the backend that answered. */
  private static String get(URI base) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/work")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new BackendException(base.toString(), response.statusCode(), "unexpected status", response.body(), null);
    }
    String body = response.body(); // {"backend":"node-1","serviceMs":...}
    return body.substring(body.indexOf(":\"") + 2, body.indexOf("\","));
  }
}
