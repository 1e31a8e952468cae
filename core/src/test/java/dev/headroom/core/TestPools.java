package dev.headroom.core;

import dev.headroom.core.time.VirtualTime;
import java.net.URI;

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

  static Selector only(String id) {
    return state -> state.id().equals(id);
  }
}
