package dev.headroom.bench.sim;

/** One client request during a run, and what became of it. Touched only by the simulation's single thread. */
final class SimRequest {
  final int id;
  final long arrival;
  final long deadline;
  final boolean idempotent;
  private final Workload workload;

  /** Calls made for it so far (a retry is a second call). */
  int calls;
  /** The call in progress, if any. */
  Job current;
  /** Local backends this request already failed on (bit i: backend i), for clients that retry elsewhere. */
  long excluded;
  /** Whether it was sent to the cloud tier. */
  boolean spilled;
  /** When it ended (-1 while open). */
  long finishedAt = -1;
  boolean ok;
  /** For a request served locally: from arrival to the start of its service. */
  long localWait = -1;

  SimRequest(int id, Workload workload, long timeoutNanos, boolean idempotent) {
    this.id = id;
    this.workload = workload;
    this.arrival = workload.arrival(id);
    this.deadline = arrival + timeoutNanos;
    this.idempotent = idempotent;
  }

  boolean done() {
    return finishedAt >= 0;
  }

  double normal(int attempt) {
    return workload.normal(id, attempt);
  }

  double uniform(int attempt) {
    return workload.uniform(id, attempt);
  }
}
