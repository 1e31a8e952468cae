package dev.headroom.bench.jmh;

import dev.headroom.core.Deadline;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.Selector;
import java.net.URI;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The saturated path: every slot is held and {@code waiters} callers are queued, so each completion hands its slot
 * to the first waiter. One operation is: join the queue ({@code acquireAsync}), complete a held lease (the pool
 * grants the freed slot to the head of the queue, whose continuation puts the lease back among the held ones). The
 * queue length stays at {@code waiters} throughout. On one thread and on two threads sharing the pool, against a
 * baseline in the same run: the unsaturated hot path (acquire with a free slot, then success) on a pool of the same
 * shape.
 *
 * <p>One endpoint with {@code slots} slots, so that the faster-slot rule never chooses to wait (there is no faster
 * endpoint) and every freed slot is granted at once.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SaturatedBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SaturatedBenchmark {

  /** Slots on the pool's one endpoint, all held. */
  @Param({"4"})
  public int slots;

  /** Callers kept waiting in the queue. */
  @Param({"16"})
  public int waiters;

  private Pool saturated;
  private Pool free;
  private final Queue<Lease> held = new ConcurrentLinkedQueue<>();

  /** Builds both pools once per trial, fills every slot of the saturated one and queues the waiters. */
  @Setup(Level.Trial)
  public void setUp() {
    saturated = pool("saturated");
    free = pool("free");
    for (int i = 0; i < slots; i++) {
      held.add(saturated.acquire(Selector.any(), Deadline.none()));
    }
    for (int i = 0; i < waiters; i++) {
      join();
    }
    if (saturated.queueDepth() != waiters || held.size() != slots) {
      throw new IllegalStateException("not saturated: " + saturated);
    }
  }

  /** Closes both pools (the waiters left are failed). */
  @TearDown(Level.Trial)
  public void tearDown() {
    saturated.close();
    free.close();
  }

  /** Headroom, saturated: a completion hands its slot to the head of a queue of {@code waiters}. */
  @Benchmark
  @Threads(1)
  public Object handOff1Thread() {
    return handOff();
  }

  /** The same with two threads sharing the pool and its queue. */
  @Benchmark
  @Threads(2)
  public Object handOff2Threads() {
    return handOff();
  }

  /** The baseline: acquire with a free slot and complete with a success, nobody waiting. */
  @Benchmark
  @Threads(1)
  public Endpoint baselineFreeSlot1Thread() {
    return pickAndComplete();
  }

  /** The baseline with two threads sharing the pool. */
  @Benchmark
  @Threads(2)
  public Endpoint baselineFreeSlot2Threads() {
    return pickAndComplete();
  }

  private Object handOff() {
    Lease lease = held.poll();
    if (lease == null) { // the other thread holds the last one for an instant
      Thread.onSpinWait();
      return null;
    }
    join();
    lease.success();
    return lease;
  }

  private void join() {
    saturated.acquireAsync(Selector.any(), Deadline.none()).thenAccept(held::add);
  }

  private Endpoint pickAndComplete() {
    Lease lease = free.acquire(Selector.any(), Deadline.none());
    lease.success();
    return lease.endpoint();
  }

  private Pool pool(String name) {
    return Pool.create(PoolConfig.builder(name)
        .outlierDetection(OutlierDetection.disabled())
        .maxWaiters(waiters + 4)
        .endpoint(Endpoint.of("e0", URI.create("http://e0"), slots))
        .build());
  }
}
