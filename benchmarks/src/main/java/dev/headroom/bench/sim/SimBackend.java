package dev.headroom.bench.sim;

import dev.headroom.core.BackendException;
import dev.headroom.core.time.VirtualTime;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A simulated backend on virtual time, shaped like an Ollama server with OLLAMA_NUM_PARALLEL: {@code slots} calls
 * served at once, the others waiting in a FIFO queue, each served in a lognormal time. Faults on its timeline slow
 * it down, make it fail a share of its calls with HTTP 500, or take it down (calls in progress and queued are reset,
 * new connections refused). A call whose client gave up leaves the queue, or frees its slot (Ollama stops a
 * generation whose client went away).
 */
final class SimBackend {
  /** How long a refused connection takes to fail. */
  static final long CONNECT_FAILURE_NANOS = 1_000_000;
  /** A failing call fails after this share of its service time. */
  static final double FAILURE_AT = 0.2;

  final BackendSpec spec;
  final int index;
  private final VirtualTime time;
  private final List<Fault> faults;
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final Set<Job> inService = new LinkedHashSet<>();
  private final double meanNanos;
  private boolean down;
  private long served;

  SimBackend(BackendSpec spec, int index, VirtualTime time, List<Fault> allFaults) {
    this.spec = spec;
    this.index = index;
    this.time = time;
    this.faults = allFaults.stream().filter(f -> f.backend().equals(spec.id())).toList();
    this.meanNanos = spec.meanService().toNanos();
    for (Fault fault : faults) {
      if (fault.kind() == Fault.Kind.DOWN) {
        time.schedule(fault.from().toNanos() - time.read(), this::die);
        time.schedule(fault.to().toNanos() - time.read(), () -> down = false);
      }
    }
  }

  String id() {
    return spec.id();
  }

  /** Sends a call; the job's future completes when the backend answers or the connection fails. */
  Job call(SimRequest request, int attempt) {
    Job job = new Job(this, request, attempt, time.read());
    if (down) {
      time.schedule(CONNECT_FAILURE_NANOS, () -> job.future.completeExceptionally(
          new ConnectException("connection refused by " + spec.id())));
    } else if (inService.size() < spec.slots()) {
      start(job);
    } else {
      queue.addLast(job);
    }
    return job;
  }

  /** The client gave up on {@code job}: it leaves the queue or frees its slot. */
  void cancel(Job job) {
    if (queue.remove(job)) {
      return;
    }
    if (inService.remove(job)) {
      job.completion.cancel();
      startNext();
    }
  }

  boolean isUp() {
    return !down;
  }

  long served() {
    return served;
  }

  /** The mean service time of a call started now (faults included). */
  double meanServiceNanos(long now) {
    return meanNanos * slowdown(now);
  }

  /**
   * What an oracle with perfect knowledge of this backend's queue expects a new call to wait before its service
   * starts: the exact remaining times of the calls in service, then the queued calls at the mean service time.
   */
  double expectedWaitNanos(long now) {
    if (down) {
      return Double.POSITIVE_INFINITY;
    }
    int slots = spec.slots();
    if (inService.size() < slots) {
      return 0;
    }
    double[] free = new double[slots];
    int i = 0;
    for (Job job : inService) {
      free[i++] = Math.max(0, job.startedAt + job.serviceNanos - now);
    }
    Arrays.sort(free);
    double mean = meanServiceNanos(now);
    for (int q = 0; q < queue.size(); q++) {
      // the earliest slot takes the next queued call; keep the array sorted by re-inserting
      double next = free[0] + mean;
      int j = 1;
      while (j < slots && free[j] < next) {
        free[j - 1] = free[j];
        j++;
      }
      free[j - 1] = next;
    }
    return free[0];
  }

  private void start(Job job) {
    long now = time.read();
    job.startedAt = now;
    inService.add(job);
    double sigma = spec.sigma();
    double service = meanServiceNanos(now) * Math.exp(sigma * job.request.normal(job.attempt) - sigma * sigma / 2);
    boolean fails = job.request.uniform(job.attempt) < failShare(now);
    long duration = Math.max(1, (long) (fails ? service * FAILURE_AT : service));
    job.serviceNanos = duration;
    job.completion = time.schedule(duration, () -> finish(job, fails));
  }

  private void finish(Job job, boolean failed) {
    inService.remove(job);
    served++;
    startNext(); // before answering: the answer may send a new call, which must queue behind the waiting ones
    if (failed) {
      job.future.completeExceptionally(new BackendException(spec.id(), 500, "internal server error"));
    } else {
      job.future.complete(null);
    }
  }

  private void startNext() {
    while (inService.size() < spec.slots() && !queue.isEmpty()) {
      start(queue.pollFirst());
    }
  }

  private void die() {
    down = true;
    List<Job> lost = new ArrayList<>(inService);
    lost.addAll(queue);
    inService.clear();
    queue.clear();
    for (Job job : lost) {
      if (job.completion != null) {
        job.completion.cancel();
      }
    }
    for (Job job : lost) {
      job.future.completeExceptionally(new IOException("connection reset by " + spec.id()));
    }
  }

  private double slowdown(long now) {
    double factor = 1;
    for (Fault fault : faults) {
      if (fault.kind() == Fault.Kind.SLOWDOWN && fault.activeAt(now)) {
        factor *= fault.value();
      }
    }
    return factor;
  }

  private double failShare(long now) {
    double share = 0;
    for (Fault fault : faults) {
      if (fault.kind() == Fault.Kind.FAIL_SHARE && fault.activeAt(now)) {
        share = Math.max(share, fault.value());
      }
    }
    return share;
  }
}
