package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PoolConcurrencyTest {

  @Test
  void eightThreadsOfAcquireAndCompleteNeverPassALimitAndLeaveNothingInFlight() throws Exception {
    // 4 slots for 8 threads: half the acquisitions go through the wait queue and the hand-off path.
    Pool pool = Pool.create(PoolConfig.builder("stress")
        .endpoint(TestPools.endpoint("a", 1))
        .endpoint(TestPools.endpoint("b", 2))
        .endpoint(TestPools.endpoint("c", 1))
        .maxWaiters(16)
        // health is not under test here: breakers that open only when every call fails, no ejection
        .circuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
            .failureRateThreshold(100).build())
        .outlierDetection(OutlierDetection.disabled())
        .build());
    Map<String, AtomicInteger> holding = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> maxSeen = new ConcurrentHashMap<>();
    for (EndpointState state : pool.endpoints()) {
      holding.put(state.id(), new AtomicInteger());
      maxSeen.put(state.id(), new AtomicInteger());
    }
    int threads = 8;
    int perThread = 100_000;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      futures.add(executor.submit(() -> {
        start.await();
        for (int i = 0; i < perThread; i++) {
          Lease lease = pool.acquire(Duration.ofSeconds(30));
          String id = lease.endpoint().id();
          int now = holding.get(id).incrementAndGet();
          maxSeen.get(id).accumulateAndGet(now, Math::max);
          holding.get(id).decrementAndGet();
          switch ((i + seed) % 8) { // every outcome, with failures rare enough to keep the breakers closed
            case 0 -> lease.failure(new RuntimeException("synthetic"));
            case 1 -> lease.busy();
            case 2 -> lease.close();
            case 3 -> lease.clientError();
            default -> lease.success();
          }
          lease.close(); // a second completion must not release the slot twice
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> future : futures) {
      future.get(5, TimeUnit.MINUTES);
    }
    executor.shutdown();

    assertThat(pool.inFlight()).isZero();
    assertThat(pool.queueDepth()).isZero();
    for (EndpointState state : pool.endpoints()) {
      assertThat(maxSeen.get(state.id()).get()).as("max concurrent leases on %s", state.id())
          .isBetween(1, state.limit());
    }
  }
}
