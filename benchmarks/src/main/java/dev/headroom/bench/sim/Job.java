package dev.headroom.bench.sim;

import dev.headroom.core.time.Scheduler;
import java.util.concurrent.CompletableFuture;

/** One call of a request on one backend: queued, in service, then completed or failed. */
final class Job {
  final SimBackend backend;
  final SimRequest request;
  final int attempt;
  final long sentAt;
  final CompletableFuture<Void> future = new CompletableFuture<>();
  long startedAt = -1;
  long serviceNanos;
  Scheduler.Cancellable completion;

  Job(SimBackend backend, SimRequest request, int attempt, long sentAt) {
    this.backend = backend;
    this.request = request;
    this.attempt = attempt;
    this.sentAt = sentAt;
  }
}
