package dev.headroom.core;

import static dev.headroom.core.TestPools.endpoint;
import static dev.headroom.core.TestPools.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private final VirtualTime time = new VirtualTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void poolAndRouterMetersCarryTheDocumentedNamesAndTags() {
    Pool local = Pool.create(TestPools.plain("local", time, endpoint("a", 1), endpoint("b", 1), endpoint("c", 1),
            endpoint("d", 1))
        .tier("edge")
        .outlierDetection(OutlierDetection.builder().consecutiveFailures(1).failureRateMinRequests(0).build())
        .meterRegistry(registry).build());
    Pool cloud = Pool.create(TestPools.plain("cloud", time, endpoint("openai", 100)).meterRegistry(registry).build());
    Router router = Router.builder("chat").tier("local", local, Duration.ZERO).tier("cloud", cloud, Duration.ZERO)
        .meterRegistry(registry).build();

    Lease lease = local.tryAcquire(only("a")).orElseThrow();
    assertThat(registry.get("headroom.inflight").tags("pool", "local", "endpoint", "a").gauge().value()).isEqualTo(1);
    time.advance(Duration.ofMillis(40));
    lease.success();
    local.tryAcquire(only("b")).orElseThrow().failure(new IOException("x")); // ejects b

    Lease[] hold = {local.acquire(Duration.ZERO), local.acquire(Duration.ZERO), local.acquire(Duration.ZERO)};
    local.acquireAsync(Selector.any(), Deadline.after(Duration.ofSeconds(1), time));
    assertThat(registry.get("headroom.queue.depth").tag("pool", "local").gauge().value()).isEqualTo(1);
    String served = router.execute(RouteOptions.defaults(), l -> l.endpoint().id());
    assertThat(served).isEqualTo("openai");

    assertThat(registry.get("headroom.requests")
        .tags("pool", "local", "endpoint", "a", "tier", "edge", "outcome", "success").counter().count()).isEqualTo(1);
    assertThat(registry.get("headroom.requests")
        .tags("pool", "local", "endpoint", "b", "outcome", "failure").counter().count()).isEqualTo(1);
    assertThat(registry.get("headroom.latency").tags("pool", "local", "endpoint", "a").timer()
        .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
    assertThat(registry.get("headroom.ejections").tags("pool", "local", "endpoint", "b", "reason", "outlier")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get("headroom.endpoint.up").tags("pool", "local", "endpoint", "b").gauge().value())
        .isZero();
    assertThat(registry.get("headroom.spillover").tags("from", "local", "to", "cloud", "reason", "SATURATED")
        .counter().count()).isEqualTo(1);
    for (Lease l : hold) {
      l.success();
    }
    assertThat(registry.get("headroom.queue.wait").tag("pool", "local").timer().count()).isEqualTo(1);
  }

  @Test
  void withoutARegistryNothingIsRecordedAnywhere() {
    Pool pool = Pool.create(TestPools.plain("quiet", time, endpoint("a", 1)).build());
    pool.acquire(Duration.ZERO).success();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void aRemovedEndpointTakesItsMetersWithIt() {
    Pool pool = Pool.create(TestPools.plain("gone", time, endpoint("a", 1), endpoint("b", 1))
        .meterRegistry(registry).build());
    pool.remove("a");
    assertThat(registry.find("headroom.inflight").tag("endpoint", "a").gauge()).isNull();
    assertThat(registry.find("headroom.inflight").tag("endpoint", "b").gauge()).isNotNull();
    pool.close();
    assertThat(registry.getMeters()).as("a closed pool leaves no meters behind").isEmpty();
  }
}
