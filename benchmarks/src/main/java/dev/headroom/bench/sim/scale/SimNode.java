package dev.headroom.bench.sim.scale;

import dev.headroom.core.time.VirtualTime;
import java.util.ArrayDeque;

/**
 * An Ollama-like node on virtual time: {@code slots} calls in service, the rest queued on the node; it can be
 * killed (a pod deleted without a drain), which fails every call it holds at once, as a reset connection does.
 */
final class SimNode {
  final String id;
  final int slots;
  final double meanServiceNanos;
  private final VirtualTime time;
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private final java.util.Set<Call> inService = new java.util.HashSet<>();
  private boolean dead;
  private long started;

  /** What to do when a call ends: {@code ok} false when the node died under it. */
  @FunctionalInterface
  interface Done {
    void ended(boolean ok);
  }

  private record Call(long serviceNanos, Done done) {}

  SimNode(String id, int slots, double meanServiceNanos, VirtualTime time) {
    this.id = id;
    this.slots = slots;
    this.meanServiceNanos = meanServiceNanos;
    this.time = time;
  }

  long serviceNanos(double z, double sigma) {
    return Math.max(1, (long) (meanServiceNanos * Math.exp(sigma * z - sigma * sigma / 2)));
  }

  void call(long serviceNanos, Done done) {
    if (dead) {
      done.ended(false); // connection refused
      return;
    }
    Call call = new Call(serviceNanos, done);
    if (inService.size() < slots) {
      start(call);
    } else {
      queue.addLast(call);
    }
  }

  /** Calls that started service here. */
  long started() {
    return started;
  }

  /** Calls in service or queued. */
  int outstanding() {
    return inService.size() + queue.size();
  }

  /** The pod is gone: every call it holds fails now, later ones are refused. */
  void kill() {
    dead = true;
    java.util.List<Call> held = new java.util.ArrayList<>(inService);
    held.addAll(queue);
    inService.clear();
    queue.clear();
    held.forEach(call -> call.done().ended(false));
  }

  private void start(Call call) {
    inService.add(call);
    started++;
    time.schedule(call.serviceNanos(), () -> finish(call));
  }

  private void finish(Call call) {
    if (!inService.remove(call)) {
      return; // killed meanwhile: already failed
    }
    if (!queue.isEmpty()) {
      start(queue.pollFirst());
    }
    call.done().ended(true);
  }
}
