package dev.headroom.core.pick;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Picker;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.Selector;
import dev.headroom.core.time.VirtualTime;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

class PickerTest {

  /**
   * A closed loop of 12 outstanding requests over 4 endpoints in virtual time, where "slow" takes 3× as long as the
   * others. Returns how many requests each endpoint served.
   */
  private static Map<String, Integer> serveClosedLoop(Picker picker, int requests) {
    VirtualTime time = new VirtualTime();
    PoolConfig.Builder config = PoolConfig.builder("p2c").clock(time).picker(picker)
        .noCircuitBreaker().outlierDetection(OutlierDetection.disabled())
        .latencyHalfLife(Duration.ofSeconds(5));
    for (String id : new String[] {"fast-1", "fast-2", "slow", "fast-3"}) {
      config.endpoint(Endpoint.of(id, URI.create("http://" + id), 8));
    }
    Pool pool = Pool.create(config.build());
    record Done(long at, Lease lease) {}
    PriorityQueue<Done> inFlight = new PriorityQueue<>((x, y) -> Long.compare(x.at, y.at));
    Map<String, Integer> served = new HashMap<>();
    int sent = 0;
    while (sent < requests) {
      while (inFlight.size() < 12 && sent < requests) {
        Lease lease = pool.tryAcquire(Selector.any()).orElseThrow();
        long serviceMs = lease.endpoint().id().equals("slow") ? 30 : 10;
        inFlight.add(new Done(time.read() + Duration.ofMillis(serviceMs).toNanos(), lease));
        served.merge(lease.endpoint().id(), 1, Integer::sum);
        sent++;
      }
      Done next = inFlight.poll();
      time.advanceNanos(next.at - time.read());
      next.lease.success();
    }
    return served;
  }

  @Test
  void powerOfTwoChoicesSendsClearlyLessToAnEndpointThreeTimesSlower() {
    Map<String, Integer> served = serveClosedLoop(
        Pickers.powerOfTwoChoices(CostFunction.peakEwma(), RandomSource.seeded(42)), 20_000);
    double fastMean = (served.get("fast-1") + served.get("fast-2") + served.get("fast-3")) / 3.0;
    assertThat(served.get("slow")).as("requests to the slow endpoint, served=%s", served)
        .isLessThan((int) (0.5 * fastMean));
  }

  @Test
  void theDefaultExpectedDelayCostSendsEvenLessToTheSlowEndpointThanThePeakEwma() {
    Map<String, Integer> mean = serveClosedLoop(
        Pickers.powerOfTwoChoices(CostFunction.expectedDelay(), RandomSource.seeded(42)), 20_000);
    Map<String, Integer> peak = serveClosedLoop(
        Pickers.powerOfTwoChoices(CostFunction.peakEwma(), RandomSource.seeded(42)), 20_000);
    double fastMean = (mean.get("fast-1") + mean.get("fast-2") + mean.get("fast-3")) / 3.0;
    assertThat(mean.get("slow")).as("served=%s", mean).isLessThan((int) (0.5 * fastMean));
    assertThat(mean.get("slow")).as("mean %s vs peak %s", mean, peak).isLessThanOrEqualTo(peak.get("slow"));
  }

  @Test
  void roundRobinIgnoresLatencyWhichIsWhatTheP2cTestDetects() {
    Map<String, Integer> served = serveClosedLoop(Pickers.roundRobin(), 20_000);
    assertThat(served.get("slow")).isBetween(4_900, 5_100);
  }

  @Test
  void sameSeedGivesTheSamePicks() {
    assertThat(serveClosedLoop(Pickers.powerOfTwoChoices(CostFunction.peakEwma(), RandomSource.seeded(7)), 5_000))
        .isEqualTo(serveClosedLoop(Pickers.powerOfTwoChoices(CostFunction.peakEwma(), RandomSource.seeded(7)), 5_000));
  }

  @Test
  void leastInFlightTakesTheEmptiestEndpoint() {
    VirtualTime time = new VirtualTime();
    Pool pool = Pool.create(PoolConfig.builder("lif").clock(time).picker(Pickers.leastInFlight(RandomSource.seeded(1)))
        .endpoint(Endpoint.of("a", URI.create("http://a"), 4))
        .endpoint(Endpoint.of("b", URI.create("http://b"), 4))
        .build());
    Lease first = pool.tryAcquire(Selector.any()).orElseThrow();
    Lease second = pool.tryAcquire(Selector.any()).orElseThrow();
    assertThat(second.endpoint().id()).isNotEqualTo(first.endpoint().id());
  }

  @Test
  void weightedRandomFollowsWeights() {
    VirtualTime time = new VirtualTime();
    Pool pool = Pool.create(PoolConfig.builder("wr").clock(time).picker(Pickers.weightedRandom(RandomSource.seeded(3)))
        .endpoint(Endpoint.builder("heavy").weight(3).maxConcurrency(1).build())
        .endpoint(Endpoint.builder("light").weight(1).maxConcurrency(1).build())
        .build());
    int heavy = 0;
    for (int i = 0; i < 4_000; i++) {
      Lease lease = pool.tryAcquire(Selector.any()).orElseThrow();
      heavy += lease.endpoint().id().equals("heavy") ? 1 : 0;
      lease.success();
    }
    assertThat(heavy).isBetween(2_800, 3_200);
  }

  @Test
  void aLabelFilterInFrontOfAnyPickerKeepsRequestsOnMatchingEndpoints() {
    VirtualTime time = new VirtualTime();
    for (Picker inner : new Picker[] {Pickers.powerOfTwoChoices(), Pickers.roundRobin(), Pickers.leastInFlight(),
        Pickers.weightedRandom()}) {
      Pool pool = Pool.create(PoolConfig.builder("npu").clock(time)
          .picker(Pickers.filtered(Selector.label("device", "NPU"), inner))
          .endpoint(Endpoint.builder("cpu-1").label("device", "CPU").maxConcurrency(100).build())
          .endpoint(Endpoint.builder("npu-1").label("device", "NPU").maxConcurrency(100).build())
          .endpoint(Endpoint.builder("gpu-1").label("device", "GPU").maxConcurrency(100).build())
          .build());
      for (int i = 0; i < 50; i++) {
        assertThat(pool.tryAcquire(Selector.any()).orElseThrow().endpoint().id()).as("%s", inner).isEqualTo("npu-1");
      }
      assertThat(pool.tryAcquire(Selector.label("device", "CPU"))).as("filter and request selector compose").isEmpty();
    }
  }

  @Test
  void aFullEndpointIsNeverPicked() {
    VirtualTime time = new VirtualTime();
    Pool pool = Pool.create(PoolConfig.builder("full").clock(time)
        .endpoint(Endpoint.of("a", URI.create("http://a"), 1))
        .endpoint(Endpoint.of("b", URI.create("http://b"), 1))
        .build());
    Lease a = pool.tryAcquire(Selector.any()).orElseThrow();
    Lease b = pool.tryAcquire(Selector.any()).orElseThrow();
    assertThat(a.endpoint().id()).isNotEqualTo(b.endpoint().id());
    assertThat(pool.tryAcquire(Selector.any())).isEmpty();
    b.success();
    assertThat(pool.tryAcquire(Selector.any()).orElseThrow().endpoint().id()).isEqualTo(b.endpoint().id());
  }
}
