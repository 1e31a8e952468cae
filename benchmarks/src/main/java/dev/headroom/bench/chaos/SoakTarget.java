package dev.headroom.bench.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One part of the fleet under the chaos soak: the requests a client sends to it, the faults the schedule injects
 * into it, and what must be back to zero once the load has stopped (leases, connections, processes).
 */
interface SoakTarget extends AutoCloseable {

  /** A short name for the report. */
  String name();

  /** The request timeout every request is sent with: a request that takes longer broke its deadline. */
  Duration timeout();

  /** How many client threads send requests at once. */
  int clients();

  /**
   * How long each client waits between two requests: a steady load, not a busy loop (an L1 cache hit takes
   * microseconds, and clients spinning on them would starve every other part of the soak of CPU).
   */
  default Duration pause() {
    return Duration.ZERO;
  }

  /**
   * Sends one request and checks its answer; throws what a client would see when it is not served.
   *
   * @param client the client thread's index, in {@code [0, clients())}
   * @param seq the client's request number
   */
  void request(int client, long seq) throws Exception;

  /** The faults, injected one at a time in this order, each healed before the next. */
  List<Fault> faults();

  /**
   * Called once the load has stopped and every fault is healed: what is still held that should not be (leases,
   * connections, processes) and, for a cache, acknowledged writes that were lost. Every value should be 0.
   */
  Map<String, Long> leftovers() throws Exception;

  /** Counts that give the leftovers their scale (keys checked, say), read after {@link #leftovers()}. */
  default Map<String, Long> facts() {
    return Map.of();
  }

  @Override
  void close() throws Exception;

  /** Read after {@link #close()}: what closing should have ended and did not (processes). Every value should be 0. */
  default Map<String, Long> afterClose() {
    return Map.of();
  }

  /** A fault and how to heal it. */
  record Fault(String name, Action inject, Action heal) {}

  /** Something a fault does. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }
}
