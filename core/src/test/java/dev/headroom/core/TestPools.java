package dev.headroom.core;

import dev.headroom.core.time.VirtualTime;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.URI;
import java.time.Duration;

/** Small helpers shared by the core tests. */
final class TestPools {
  private TestPools() {}

  static Endpoint endpoint(String id, int limit) {
    return Endpoint.of(id, URI.create("http://" + id + ".test"), limit);
  }

  /** A pool on virtual time without breakers or ejection, for tests that look at one mechanism. */
  static PoolConfig.Builder plain(String name, VirtualTime time, Endpoint... endpoints) {
    PoolConfig.Builder builder = PoolConfig.builder(name)
        .clock(time)
        .noCircuitBreaker()
        .outlierDetection(OutlierDetection.disabled());
    for (Endpoint endpoint : endpoints) {
      builder.endpoint(endpoint);
    }
    return builder;
  }

  /** A breaker that opens once half of its last 4 calls failed, stays open {@code wait}, then lets 1 trial through. */
  static CircuitBreakerConfig quickBreaker(Duration wait) {
    return CircuitBreakerConfig.custom().failureRateThreshold(50)
        .slidingWindow(4, 4, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .waitDurationInOpenState(wait).permittedNumberOfCallsInHalfOpenState(1).build();
  }

  static Selector only(String id) {
    return state -> state.id().equals(id);
  }
}
