package dev.headroom.bench.sim.fleet;

import dev.headroom.core.Deadline;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.Selector;
import dev.headroom.core.pick.CostFunction;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.time.VirtualTime;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs N replicas of the real core ({@link Pool}, default picker, limits, queue, breakers and ejection) on one
 * {@link VirtualTime} against one fleet of {@link Node}s, in one {@link Mode}. Each arrival goes to a replica at
 * random, which acquires a lease from its own pool ({@code acquireAsync}, waiting up to the timeout in its queue),
 * sends the call to the leased node (with strict caps, one store round trip later: the permit's answer) and ends
 * the lease with {@code success()} when the node answers. Single-threaded and seeded.
 */
final class ReplicaSimulation {
  /** Time after the last arrival for every request to end. */
  private static final long DRAIN_NANOS = 120_000_000_000L;
  static final String POOL = "ollama";

  private final FleetSpec spec;
  private final FleetWorkload workload;

  ReplicaSimulation(FleetSpec spec) {
    this.spec = spec;
    this.workload = FleetWorkload.generate(spec);
  }

  int requests() {
    return workload.size();
  }

  FleetOutcome run(Mode mode, int replicas) {
    int n = mode == Mode.ORACLE ? 1 : replicas;
    VirtualTime time = new VirtualTime();
    List<Node> nodes = new ArrayList<>();
    Map<String, Node> byId = new HashMap<>();
    for (FleetSpec.NodeSpec node : spec.nodes()) {
      Node sim = new Node(node.id(), node.slots(), node.meanSeconds() * 1e9, time);
      nodes.add(sim);
      byId.put(sim.id, sim);
    }
    SimFleet fleet = mode == Mode.SHARED || mode == Mode.STRICT
        ? new SimFleet(time, spec.interval(), spec.oneWay(), spec.seed() * 17 + n) : null;
    Pool[] pools = new Pool[n];
    for (int r = 0; r < n; r++) {
      PoolConfig.Builder config = PoolConfig.builder(POOL)
          .clock(time)
          .picker(Pickers.powerOfTwoChoices(CostFunction.expectedDelay(), RandomSource.seeded(spec.seed() * 31 + r)))
          .random(RandomSource.seeded(spec.seed() * 37 + r));
      for (FleetSpec.NodeSpec node : spec.nodes()) {
        config.endpoint(Endpoint.of(node.id(), URI.create("sim://" + node.id()), node.slots()));
      }
      if (fleet != null) {
        config.coordinator(fleet.replica("replica-" + r)).strictCaps(mode == Mode.STRICT);
      }
      pools[r] = Pool.create(config.build());
    }
    Run run = new Run(time, byId, pools, mode == Mode.STRICT ? 2 * spec.oneWay().toNanos() : 0);
    run.next(0);
    time.advanceNanos(spec.duration().toNanos() + spec.timeout().toNanos() + DRAIN_NANOS);
    if (fleet != null) {
      fleet.stop();
    }
    for (Pool pool : pools) {
      pool.close();
    }
    return run.outcome(mode, n, nodes, fleet == null ? 0 : fleet.denials());
  }

  /** One run's mutable state; touched only by the thread that advances the clock. */
  private final class Run {
    private final VirtualTime time;
    private final Map<String, Node> nodes;
    private final Pool[] pools;
    private final long permitRoundTrip;
    private final long[] finished;
    private final long[] granted;
    private final long[] started;
    private final long[] sent;
    private final boolean[] failed;
    private final long timeout;

    Run(VirtualTime time, Map<String, Node> nodes, Pool[] pools, long permitRoundTrip) {
      this.time = time;
      this.nodes = nodes;
      this.pools = pools;
      this.permitRoundTrip = permitRoundTrip;
      int size = workload.size();
      this.finished = new long[size];
      this.granted = new long[size];
      this.started = new long[size];
      this.sent = new long[size];
      this.failed = new boolean[size];
      this.timeout = spec.timeout().toNanos();
      Arrays.fill(finished, -1);
    }

    void next(int i) {
      if (i >= workload.size()) {
        return;
      }
      time.schedule(workload.arrivals[i] - time.read(), () -> {
        next(i + 1);
        send(i);
      });
    }

    private void send(int i) {
      Pool pool = pools[workload.replica(i, pools.length)];
      pool.acquireAsync(Selector.any(), Deadline.after(spec.timeout(), time)).whenComplete((lease, error) -> {
        if (error != null) {
          failed[i] = true;
          finished[i] = workload.arrivals[i] + timeout;
          return;
        }
        granted[i] = time.read();
        if (permitRoundTrip > 0) {
          time.schedule(permitRoundTrip, () -> call(i, lease));
        } else {
          call(i, lease);
        }
      });
    }

    private void call(int i, Lease lease) {
      Node node = nodes.get(lease.endpoint().id());
      sent[i] = time.read();
      node.call(node.serviceNanos(workload.normals[i], spec.sigma()), startedAt -> {
        started[i] = startedAt;
        finished[i] = time.read();
        lease.success();
      });
    }

    FleetOutcome outcome(Mode mode, int replicas, List<Node> all, long denials) {
      int size = workload.size();
      long[] latencies = new long[size];
      long[] poolWaits = new long[size];
      long[] nodeWaits = new long[size];
      int served = 0;
      int errors = 0;
      long checksum = 17;
      for (int i = 0; i < size; i++) {
        if (finished[i] < 0) {
          throw new IllegalStateException(mode + " at N=" + replicas + ": request " + i + " never ended");
        }
        latencies[i] = finished[i] - workload.arrivals[i];
        if (failed[i]) {
          errors++;
        } else {
          poolWaits[served] = granted[i] - workload.arrivals[i];
          nodeWaits[served] = started[i] - sent[i];
          served++;
        }
        checksum = checksum * 1_000_003 + latencies[i];
      }
      Arrays.sort(latencies);
      poolWaits = Arrays.copyOf(poolWaits, served);
      nodeWaits = Arrays.copyOf(nodeWaits, served);
      Arrays.sort(poolWaits);
      Arrays.sort(nodeWaits);
      long violations = 0;
      int max = 0;
      long overCap = 0;
      double slowest = all.stream().mapToDouble(node -> node.meanServiceNanos).max().orElse(0);
      long slow = 0;
      long total = 0;
      for (Node node : all) {
        total += node.served();
        slow += node.meanServiceNanos == slowest ? node.served() : 0;
        violations += node.violations();
        max = Math.max(max, node.maxOutstanding());
        overCap += node.overCapNanos();
      }
      return new FleetOutcome(mode, replicas, latencies, poolWaits, nodeWaits, errors, violations, max, overCap,
          denials, total == 0 ? 0 : (double) slow / total, checksum);
    }
  }
}
