package dev.headroom.bench.sim.scale;

import dev.headroom.core.Deadline;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.Selector;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipSync;
import dev.headroom.core.discovery.PoolMembership;
import dev.headroom.core.pick.CostFunction;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.time.VirtualTime;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An HPA scale-up under a load step, and a scale-down, run through the real core {@link Pool} and
 * {@link MembershipSync} on {@link VirtualTime} against Ollama-like {@link SimNode}s. Single-threaded and seeded: the
 * same arrivals and service draws in every mode.
 *
 * <p>Scale-up: two nodes carry 60% of their capacity, then the load steps to 150% of it. An HPA looks at the pool's
 * queue every {@code hpaPeriod}; when it passes {@code threshold} (seed 002's worker-LLM rule: queue > 50) it adds
 * two nodes, which answer {@code provisioning} later. With discovery, the pool hears of them at the next DNS refresh
 * and ramps them up with slow start; restart-only, it never learns of them before the run ends (the next deploy).
 *
 * <p>Scale-down: four nodes at 80% of one node's capacity; three are removed at once, either drained (the discovery
 * source stops reporting them: no new work, each removed when its calls are done, the pod deleted after that) or
 * abruptly (removed from the pool and the pod killed: the calls it held fail, as a reset connection does).
 */
final class ScaleSimulation {
  final ScaleSpec spec;

  ScaleSimulation(ScaleSpec spec) {
    this.spec = spec;
  }

  /** One run's numbers, over the requests that arrived after the step or removal, or were in flight then. */
  record Outcome(String mode, long[] stepLatencies, int errors, int requests, long decidedAt, long readyAt,
      long sharedAt, Map<String, Long> started) {

    long percentile(double q) {
      if (stepLatencies.length == 0) {
        return 0;
      }
      return stepLatencies[Math.min(stepLatencies.length - 1, (int) Math.ceil(q * stepLatencies.length) - 1)];
    }
  }

  // ---------------------------------------------------------------- scale-up

  Outcome scaleUp(boolean discovery) {
    VirtualTime time = new VirtualTime();
    Map<String, SimNode> nodes = nodes(time, 4);
    Pool pool = pool(time, List.of("n1", "n2"), true);
    PushedSource source = new PushedSource();
    MembershipSync sync = discovery ? MembershipSync.builder(source, PoolMembership.of(pool, spec.slots()))
        .name("ollama").clock(time).executor(Runnable::run).start() : null;
    if (sync != null) {
      source.report(members("n1", "n2"));
    }
    long stepAt = spec.before().toNanos();
    long end = stepAt + spec.step().toNanos();
    long[] arrivals = arrivals(new double[] {0.6 * 2, 1.5 * 2}, new long[] {0, stepAt}, end);
    Requests requests = new Requests(time, pool, nodes, arrivals, stepAt);
    long[] decided = {-1};
    long[] ready = {-1};
    hpa(time, end, () -> {
      if (decided[0] < 0 && pool.queueDepth() > spec.threshold()) {
        decided[0] = time.read();
        time.schedule(spec.provisioning().toNanos(), () -> {
          ready[0] = time.read();
          if (sync != null) { // the new pods' A records, seen at the next refresh of the name
            long refresh = spec.dnsRefresh().toNanos();
            time.schedule(refresh - time.read() % refresh, () -> source.report(members("n1", "n2", "n3", "n4")));
          }
        });
      }
    });
    requests.start();
    time.advanceNanos(end + spec.timeout().toNanos() * 2);
    if (sync != null) {
      sync.close();
    }
    pool.close();
    return requests.outcome(discovery ? "discovery + slow start" : "restart only", decided[0], ready[0],
        sharedAt(requests, ready[0], end));
  }

  /** When the new nodes first started at least 80% of their fair share (half the calls) over a 10 s window. */
  private static long sharedAt(Requests requests, long readyAt, long end) {
    if (readyAt < 0) {
      return -1;
    }
    long window = Duration.ofSeconds(10).toNanos();
    for (long t = readyAt; t + window <= end; t += window / 10) {
      int all = 0;
      int fresh = 0;
      for (int i = 0; i < requests.grantedAt.length; i++) {
        long g = requests.grantedAt[i];
        if (g >= t && g < t + window) {
          all++;
          if (requests.node[i] != null && (requests.node[i].equals("n3") || requests.node[i].equals("n4"))) {
            fresh++;
          }
        }
      }
      if (all > 0 && fresh >= 0.8 * 0.5 * all) {
        return t + window;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- scale-down

  Outcome scaleDown(boolean drain) {
    VirtualTime time = new VirtualTime();
    Map<String, SimNode> nodes = nodes(time, 4);
    Pool pool = pool(time, List.of("n1", "n2", "n3", "n4"), false);
    PushedSource source = new PushedSource();
    MembershipSync sync = MembershipSync.builder(source, new KillOnRemove(PoolMembership.of(pool, spec.slots()),
        nodes)).name("ollama").drainTimeout(Duration.ofSeconds(60)).clock(time).executor(Runnable::run).start();
    source.report(members("n1", "n2", "n3", "n4"));
    long removeAt = spec.before().toNanos();
    long end = removeAt + spec.step().toNanos();
    double oneNode = 1.0; // 0.8 of one node's capacity, in units of a node's capacity
    long[] arrivals = arrivals(new double[] {0.8 * oneNode}, new long[] {0}, end);
    Requests requests = new Requests(time, pool, nodes, arrivals, removeAt);
    time.schedule(removeAt, () -> {
      if (drain) {
        source.report(members("n1"));
      } else {
        for (String id : List.of("n2", "n3", "n4")) {
          pool.remove(id);
          nodes.get(id).kill();
        }
      }
    });
    requests.start();
    time.advanceNanos(end + spec.timeout().toNanos() * 2);
    sync.close();
    pool.close();
    return requests.outcome(drain ? "drain (discovery)" : "abrupt removal", removeAt, removeAt, -1);
  }

  /** A pool membership that also deletes the pod once the pool has let go of the member. */
  private record KillOnRemove(PoolMembership pool, Map<String, SimNode> nodes)
      implements dev.headroom.core.discovery.MembershipTarget {
    @Override
    public java.util.Set<String> memberIds() {
      return pool.memberIds();
    }

    @Override
    public void add(DiscoveredMember member) {
      pool.add(member);
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> drain(String id) {
      return pool.drain(id);
    }

    @Override
    public void resume(String id) {
      pool.resume(id);
    }

    @Override
    public void remove(String id) {
      pool.remove(id);
      nodes.get(id).kill();
    }
  }

  // ---------------------------------------------------------------- parts

  private Map<String, SimNode> nodes(VirtualTime time, int count) {
    Map<String, SimNode> nodes = new LinkedHashMap<>();
    for (int i = 1; i <= count; i++) {
      nodes.put("n" + i, new SimNode("n" + i, spec.slots(), spec.meanService().toNanos(), time));
    }
    return nodes;
  }

  private Pool pool(VirtualTime time, List<String> initial, boolean slowStart) {
    PoolConfig.Builder config = PoolConfig.builder("ollama").clock(time)
        .picker(Pickers.powerOfTwoChoices(CostFunction.expectedDelay(), RandomSource.seeded(spec.seed() * 31)))
        .random(RandomSource.seeded(spec.seed() * 37))
        .maxWaiters(1_000_000)
        .initialLatency(spec.meanService());
    if (slowStart) {
      config.slowStart(spec.slowStart());
    }
    for (String id : initial) {
      config.endpoint(Endpoint.of(id, URI.create("sim://" + id), spec.slots()));
    }
    return Pool.create(config.build());
  }

  private static List<DiscoveredMember> members(String... ids) {
    List<DiscoveredMember> members = new ArrayList<>();
    for (String id : ids) {
      members.add(DiscoveredMember.of(id, URI.create("sim://" + id)));
    }
    return members;
  }

  private void hpa(VirtualTime time, long end, Runnable check) {
    long period = spec.hpaPeriod().toNanos();
    time.schedule(period, new Runnable() {
      @Override
      public void run() {
        check.run();
        if (time.read() + period < end) {
          time.schedule(period, this);
        }
      }
    });
  }

  /**
   * Poisson arrivals whose rate, in units of one node's capacity, is {@code rates[k]} from {@code from[k]} on.
   */
  private long[] arrivals(double[] rates, long[] from, long end) {
    SplittableRandom random = new SplittableRandom(spec.seed());
    double nodePerSecond = spec.slots() / (spec.meanService().toNanos() / 1e9);
    long[] times = new long[1024];
    int n = 0;
    long t = 0;
    int k = 0;
    while (true) {
      while (k + 1 < from.length && t >= from[k + 1]) {
        k++;
      }
      double perNano = rates[k] * nodePerSecond / 1e9;
      t += (long) Math.ceil(-Math.log(1 - random.nextDouble()) / perNano);
      if (t >= end) {
        break;
      }
      if (n == times.length) {
        times = Arrays.copyOf(times, n * 2);
      }
      times[n++] = t;
    }
    return Arrays.copyOf(times, n);
  }

  /** The requests of one run: each acquires a lease (waiting in the pool's queue up to the timeout) and calls. */
  private final class Requests {
    final VirtualTime time;
    final Pool pool;
    final Map<String, SimNode> nodes;
    final long[] arrivals;
    final long from;
    final long[] finished;
    final long[] grantedAt;
    final String[] node;
    final boolean[] failed;
    final double[] normals;

    Requests(VirtualTime time, Pool pool, Map<String, SimNode> nodes, long[] arrivals, long from) {
      this.time = time;
      this.pool = pool;
      this.nodes = nodes;
      this.arrivals = arrivals;
      this.from = from;
      this.finished = new long[arrivals.length];
      this.grantedAt = new long[arrivals.length];
      this.node = new String[arrivals.length];
      this.failed = new boolean[arrivals.length];
      Arrays.fill(finished, -1);
      Arrays.fill(grantedAt, -1);
      SplittableRandom random = new SplittableRandom(spec.seed() * 7 + 1);
      this.normals = new double[arrivals.length];
      for (int i = 0; i < normals.length; i++) {
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        normals[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      }
    }

    void start() {
      next(0);
    }

    private void next(int i) {
      if (i >= arrivals.length) {
        return;
      }
      time.schedule(arrivals[i] - time.read(), () -> {
        next(i + 1);
        send(i);
      });
    }

    private void send(int i) {
      pool.acquireAsync(Selector.any(), Deadline.after(spec.timeout(), time)).whenComplete((lease, error) -> {
        if (error != null) {
          failed[i] = true;
          finished[i] = time.read();
          return;
        }
        grantedAt[i] = time.read();
        call(i, lease);
      });
    }

    private void call(int i, Lease lease) {
      SimNode target = nodes.get(lease.endpoint().id());
      node[i] = target.id;
      target.call(target.serviceNanos(normals[i], spec.sigma()), ok -> {
        finished[i] = time.read();
        if (ok) {
          lease.success();
        } else {
          failed[i] = true;
          lease.failure(new IllegalStateException("connection reset by " + target.id));
        }
      });
    }

    Outcome outcome(String mode, long decidedAt, long readyAt, long sharedAt) {
      List<Long> latencies = new ArrayList<>();
      int errors = 0;
      int counted = 0;
      for (int i = 0; i < arrivals.length; i++) {
        if (finished[i] < 0) {
          throw new IllegalStateException(mode + ": request " + i + " never ended");
        }
        if (arrivals[i] < from && finished[i] < from) {
          continue; // over before the step or removal (a request in flight then is counted)
        }
        counted++;
        latencies.add(finished[i] - arrivals[i]);
        if (failed[i]) {
          errors++;
        }
      }
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      Map<String, Long> started = new LinkedHashMap<>();
      nodes.forEach((id, n) -> started.put(id, n.started()));
      return new Outcome(mode, sorted, errors, counted, decidedAt, readyAt, sharedAt, started);
    }
  }
}
