package dev.headroom.bench.sim;

import java.util.concurrent.TimeoutException;

/** How one strategy sends requests. It ends each request with {@link #finish}. */
abstract class Client {
  final SimContext context;

  Client(SimContext context) {
    this.context = context;
  }

  /** Sends a request that just arrived. */
  abstract void send(SimRequest request);

  /** Arms the client's overall timeout: when it passes, the call in progress is abandoned. */
  final void armTimeout(SimRequest request) {
    context.time().schedule(request.deadline - context.time().read(), () -> {
      Job job = request.current;
      if (!request.done() && job != null && !job.future.isDone()) {
        job.backend.cancel(job);
        job.future.completeExceptionally(new TimeoutException("client timeout"));
      }
    });
  }

  final void finish(SimRequest request, boolean ok) {
    if (!request.done()) {
      request.finishedAt = context.time().read();
      request.ok = ok;
      request.current = null;
    }
  }

  /** Records the wait of a request served by a local backend. */
  final void servedBy(SimRequest request, Job job) {
    if (job.backend != context.cloud()) {
      request.localWait = job.startedAt - request.arrival;
    }
  }
}
