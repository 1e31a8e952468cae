package dev.headroom.bench.sim.fleet;

import dev.headroom.core.time.VirtualTime;
import java.util.ArrayDeque;

/**
 * One endpoint of the fleet as the node itself sees it, shaped like an Ollama server with
 * {@code OLLAMA_NUM_PARALLEL = slots}: at most {@code slots} calls in service, the others queued on the node in FIFO
 * order, so a call sent to a full node waits there for a slot. It counts, on its own side, every call that arrived
 * while {@code slots} calls were already in service or queued (a cap violation) and the most it ever held at once.
 */
final class Node {
  final String id;
  final int slots;
  final double meanServiceNanos;
  private final VirtualTime time;
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private int inService;
  private int violations;
  private long served;
  private int maxOutstanding;
  private long overCapSince = -1;
  private long overCapNanos;

  /** A call waiting for, or in, service: its own service time and what to do when it ends. */
  record Call(long serviceNanos, long sentAt, Done done) {}

  /** Called when a call's service ends, with when it started. */
  @FunctionalInterface
  interface Done {
    void served(long startedAt);
  }

  Node(String id, int slots, double meanServiceNanos, VirtualTime time) {
    this.id = id;
    this.slots = slots;
    this.meanServiceNanos = meanServiceNanos;
    this.time = time;
  }

  /** The service time of a call whose standard normal draw is {@code z}: lognormal around the node's mean. */
  long serviceNanos(double z, double sigma) {
    return Math.max(1, (long) (meanServiceNanos * Math.exp(sigma * z - sigma * sigma / 2)));
  }

  void call(long serviceNanos, Done done) {
    int outstanding = outstanding();
    if (outstanding >= slots) {
      violations++;
    }
    if (outstanding + 1 > slots && overCapSince < 0) {
      overCapSince = time.read();
    }
    maxOutstanding = Math.max(maxOutstanding, outstanding + 1);
    Call call = new Call(serviceNanos, time.read(), done);
    if (inService < slots) {
      start(call);
    } else {
      queue.addLast(call);
    }
  }

  int outstanding() {
    return inService + queue.size();
  }

  /** Calls that arrived while the node already held {@code slots} (in service or queued). */
  int violations() {
    return violations;
  }

  /** Calls it finished. */
  long served() {
    return served;
  }

  /** The most calls in service and queued at once. */
  int maxOutstanding() {
    return maxOutstanding;
  }

  /** Total time during which the node held more than {@code slots} calls. */
  long overCapNanos() {
    return overCapNanos + (overCapSince >= 0 ? time.read() - overCapSince : 0);
  }

  private void start(Call call) {
    inService++;
    long startedAt = time.read();
    time.schedule(call.serviceNanos(), () -> finish(call, startedAt));
  }

  private void finish(Call call, long startedAt) {
    inService--;
    served++;
    if (!queue.isEmpty()) {
      start(queue.pollFirst()); // before answering: the answer may send a new call, which queues behind
    }
    if (overCapSince >= 0 && outstanding() <= slots) {
      overCapNanos += time.read() - overCapSince;
      overCapSince = -1;
    }
    call.done().served(startedAt);
  }
}
