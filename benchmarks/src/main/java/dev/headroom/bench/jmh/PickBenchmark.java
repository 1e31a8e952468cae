package dev.headroom.bench.jmh;

import dev.headroom.core.Deadline;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.Selector;
import dev.headroom.core.pick.Pickers;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one pick + complete on the hot path (acquire with a free slot, then success) for the default picker,
 * on one thread and on two threads sharing the pool, against a baseline in the same run: an {@code AtomicInteger}
 * round robin over an array. Other pickers, the breaker-less pool and outlier detection are one {@code -p} away
 * ({@code -p picker=leastInFlight,roundRobin -p breaker=false -p ejection=true}).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PickBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PickBenchmark {

  /** The number of endpoints in the pool. */
  @Param({"4", "16", "64"})
  public int endpoints;

  /** The picker under test. */
  @Param({"p2c"})
  public String picker;

  /** Whether each endpoint has its resilience4j circuit breaker (the default) or none. */
  @Param({"true"})
  public boolean breaker;

  /** Whether passive outlier detection counts every outcome (the pool's default) or is off. */
  @Param({"false"})
  public boolean ejection;

  private Pool pool;
  private Endpoint[] array;
  private final AtomicInteger next = new AtomicInteger();

  /** Builds the pool once per trial. */
  @Setup(Level.Trial)
  public void setUp() {
    PoolConfig.Builder config = PoolConfig.builder("bench")
        .picker(switch (picker) {
          case "p2c" -> Pickers.powerOfTwoChoices();
          case "leastInFlight" -> Pickers.leastInFlight();
          default -> Pickers.roundRobin();
        })
        .outlierDetection(ejection ? OutlierDetection.defaults() : OutlierDetection.disabled());
    if (!breaker) {
      config.noCircuitBreaker();
    }
    array = new Endpoint[endpoints];
    for (int i = 0; i < endpoints; i++) {
      array[i] = Endpoint.of("e" + i, URI.create("http://e" + i), 1_000_000);
      config.endpoint(array[i]);
    }
    pool = Pool.create(config.build());
  }

  /** Headroom: pick, reserve, and complete with a success (latency and breaker recorded). */
  @Benchmark
  @Threads(1)
  public Endpoint pickAndComplete1Thread() {
    return pickAndComplete();
  }

  /** The same with two threads sharing the pool. */
  @Benchmark
  @Threads(2)
  public Endpoint pickAndComplete2Threads() {
    return pickAndComplete();
  }

  /** The baseline: an atomic counter over an array, no load awareness at all. */
  @Benchmark
  @Threads(1)
  public Endpoint baselineAtomicRoundRobin1Thread() {
    return array[Math.floorMod(next.getAndIncrement(), array.length)];
  }

  /** The baseline with two threads sharing the counter. */
  @Benchmark
  @Threads(2)
  public Endpoint baselineAtomicRoundRobin2Threads() {
    return array[Math.floorMod(next.getAndIncrement(), array.length)];
  }

  private Endpoint pickAndComplete() {
    Lease lease = pool.acquire(Selector.any(), Deadline.none());
    lease.success();
    return lease.endpoint();
  }
}
