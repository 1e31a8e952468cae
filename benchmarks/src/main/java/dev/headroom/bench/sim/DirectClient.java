package dev.headroom.bench.sim;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A client without Headroom: a {@link Chooser} picks a backend and the call goes straight to it (the backend queues
 * what it cannot serve yet). On a failure the client retries on another backend when the chooser's rules allow,
 * up to the chooser's attempt limit and the request's timeout. With a cloud tier, a request whose local calls all
 * failed goes to the cloud (nginx's {@code backup} server); only the oracle sends work there before a failure.
 */
final class DirectClient extends Client {
  private final int[] inFlight;
  private final Chooser chooser;

  DirectClient(SimContext context, Function<int[], Chooser> chooser) {
    super(context);
    this.inFlight = new int[context.locals().size()];
    this.chooser = chooser.apply(inFlight);
  }

  @Override
  void send(SimRequest request) {
    armTimeout(request);
    attempt(request);
  }

  private void attempt(SimRequest request) {
    long now = context.time().read();
    int index = chooser.choose(request.excluded, now);
    if (index == Chooser.SPILL) {
      toCloud(request);
      return;
    }
    if (index == Chooser.NONE) {
      if (context.cloud() != null && !request.spilled) {
        toCloud(request);
      } else {
        finish(request, false);
      }
      return;
    }
    SimBackend backend = context.locals().get(index);
    Job job = backend.call(request, request.calls++);
    request.current = job;
    inFlight[index]++;
    job.future.whenComplete((ignored, error) -> {
      inFlight[index]--;
      Throwable failure = unwrap(error);
      long at = context.time().read();
      chooser.finished(index, failure, at);
      if (request.done()) {
        return;
      }
      if (failure == null) {
        servedBy(request, job);
        finish(request, true);
        return;
      }
      if (failure instanceof TimeoutException || at >= request.deadline) {
        finish(request, false);
        return;
      }
      if (chooser.retries(failure, request.idempotent)) {
        request.excluded |= 1L << index;
        if (request.calls < chooser.maxAttempts()) {
          attempt(request);
          return;
        }
        if (context.cloud() != null && !request.spilled) {
          toCloud(request);
          return;
        }
      }
      finish(request, false);
    });
  }

  private void toCloud(SimRequest request) {
    request.spilled = true;
    Job job = context.cloud().call(request, request.calls++);
    request.current = job;
    job.future.whenComplete((ignored, error) -> finish(request, error == null));
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
