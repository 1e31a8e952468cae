package dev.headroom.llm;

import dev.headroom.core.BackendException;
import dev.headroom.core.route.FailureClassifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;

/**
 * One subscriber's stream, run on a worker thread: routes the request (the core router retries a failed or busy node
 * elsewhere until the first token arrives), then relays chunks as the subscriber asks for them. After the first
 * chunk a failure ends the stream with a {@link StreamInterruptedException} holding exactly the text delivered, and
 * nothing is retried: no token is ever sent twice. An idle timeout bounds the gap between chunks (time spent waiting
 * for the subscriber's demand does not count). The lease ends exactly once: success, failure or cancelled.
 *
 * <p>Every signal to the subscriber comes from the worker thread, so they are serial.
 */
final class StreamPump implements Flow.Subscription, Runnable {
  private final RequestRunner runner;
  private final ChatRequest request;
  private final ModelTarget target;
  private final String cacheKey;
  private final Flow.Subscriber<? super Chunk> subscriber;
  private final CompletableFuture<ChatResponse> result;
  private final Object lock = new Object();
  private long demand;
  private boolean cancelled;
  private boolean badRequest;
  private Thread routing;
  private volatile Abort abort;
  private RequestDeadline deadline; // set when the worker starts: the request's time runs from then

  StreamPump(RequestRunner runner, ChatRequest request, Flow.Subscriber<? super Chunk> subscriber,
      CompletableFuture<ChatResponse> result) {
    this.runner = runner;
    this.request = request;
    this.target = runner.models.resolve(request.model());
    this.cacheKey = runner.cache.key(request, target);
    this.subscriber = subscriber;
    this.result = result;
  }

  // ---------------------------------------------------------------- Flow.Subscription

  @Override
  public void request(long n) {
    synchronized (lock) {
      if (n <= 0) {
        badRequest = true; // rule 3.9: signalled as onError by the worker
      } else {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      lock.notifyAll();
    }
  }

  @Override
  public void cancel() {
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      lock.notifyAll();
      if (routing != null) {
        routing.interrupt(); // wakes a wait for a slot; the router gives the lease back
      }
    }
    Abort current = abort;
    if (current != null) {
      current.fire(cancellation());
    }
  }

  /** The abort of the attempt in progress; fired at once if the subscriber has cancelled. */
  void attach(Abort next) {
    abort = next;
    if (isCancelled()) {
      next.fire(cancellation());
    }
  }

  // ---------------------------------------------------------------- the worker

  @Override
  public void run() {
    deadline = runner.deadline(request.timeout());
    try {
      if (cacheKey != null) {
        var hit = runner.cache.get(cacheKey);
        if (hit.isPresent()) {
          replay(hit.get());
          return;
        }
      }
      OpenStream opened = route();
      if (opened != null) {
        pump(opened);
      }
    } catch (RuntimeException | Error e) {
      fail(e); // a bug or a misbehaving subscriber: never leave the subscriber hanging
    }
  }

  private OpenStream route() {
    synchronized (lock) {
      if (cancelled) {
        result.cancel(false);
        return null;
      }
      routing = Thread.currentThread();
    }
    OpenStream opened = null;
    Throwable failure = null;
    try {
      opened = runner.router(request, target).execute(runner.options(request, target, deadline),
          lease -> runner.streams.open(lease, request, target, this, deadline));
    } catch (Throwable e) {
      failure = e;
    } finally {
      synchronized (lock) {
        routing = null;
        Thread.interrupted(); // an interrupt from cancel() belongs to the routing phase only
      }
    }
    if (isCancelled()) {
      if (opened != null) {
        runner.streams.cancelled(opened);
      }
      result.cancel(false);
      return null;
    }
    if (failure != null) {
      fail(deadline.typed(failure));
      return null;
    }
    return opened;
  }

  private void pump(OpenStream opened) {
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = new StringBuilder();
    List<ToolCall> toolCalls = new ArrayList<>();
    int index = 0;
    Delta delta = opened.first();
    long idleNanos = runner.idleTimeout.toNanos();
    while (true) {
      thinking.append(delta.thinking()); // thoughts and tool calls go to the result, not to the chunks
      toolCalls.addAll(delta.toolCalls());
      if (!delta.text().isEmpty()) {
        if (!awaitDemand()) {
          stopEarly(opened);
          return;
        }
        try {
          subscriber.onNext(new Chunk(delta.text(), index));
        } catch (RuntimeException misbehaving) { // rule 2.13: treat as cancelled
          runner.streams.cancelled(opened);
          result.completeExceptionally(misbehaving);
          return;
        }
        index++;
        text.append(delta.text());
      }
      if (delta.done()) {
        complete(opened, text.toString(), delta, toolCalls, thinking.toString());
        return;
      }
      if (isCancelled()) {
        stopEarly(opened);
        return;
      }
      Throwable failure = null;
      Abort current = opened.abort();
      var idle = runner.scheduler.schedule(idleNanos, () -> current.fire(idleTimeout(opened.endpoint())));
      try {
        delta = opened.stream().next();
        if (delta == null) {
          failure = new BackendException(opened.endpoint(), 200, "stream ended without its final message", "",
              null);
        }
      } catch (Exception | Error e) {
        failure = e;
      } finally {
        idle.cancel();
      }
      if (failure != null) {
        if (isCancelled()) {
          stopEarly(opened);
          return;
        }
        interrupted(opened, text.toString(), index, deadline.typed(failure));
        return;
      }
    }
  }

  private void complete(OpenStream opened, String text, Delta end, List<ToolCall> toolCalls, String thinking) {
    GenStats stats = end.stats();
    runner.streams.completed(opened, target, stats);
    if (cacheKey != null && toolCalls.isEmpty()) {
      runner.cache.put(cacheKey, text);
    }
    ChatResponse response = new ChatResponse(text, end.model() != null ? end.model() : opened.model(),
        opened.endpoint(), opened.tier(), stats.promptTokens(), stats.evalCount(),
        Duration.ofNanos(opened.ttftNanos()), Duration.ofNanos(stats.loadNanosOrZero()), stats.tokensPerSecond(),
        end.doneReason(), toolCalls, thinking);
    result.complete(response);
    subscriber.onComplete();
  }

  private void interrupted(OpenStream opened, String text, int chunks, Throwable cause) {
    opened.stream().close();
    runner.streams.failed(opened, cause);
    StreamInterruptedException error = new StreamInterruptedException(opened.endpoint(), text, chunks,
        describe(cause), cause);
    result.completeExceptionally(error);
    subscriber.onError(error);
  }

  /** Cancelled, or a bad request(n): release the lease as cancelled. */
  private void stopEarly(OpenStream opened) {
    runner.streams.cancelled(opened);
    boolean bad;
    synchronized (lock) {
      bad = badRequest && !cancelled;
    }
    if (bad) {
      IllegalArgumentException error = new IllegalArgumentException("Subscription.request(n) needs n > 0");
      result.completeExceptionally(error);
      subscriber.onError(error);
    } else {
      result.cancel(false);
    }
  }

  private void replay(String text) {
    if (!text.isEmpty() && !awaitDemand()) {
      result.cancel(false);
      return;
    }
    if (!text.isEmpty()) {
      subscriber.onNext(new Chunk(text, 0));
    }
    result.complete(ResponseCacheStep.answer(text, target));
    subscriber.onComplete();
  }

  private void fail(Throwable failure) {
    Throwable error = FailureClassifier.unwrap(failure);
    if (result.completeExceptionally(error)) { // false when already ended (a subscriber that threw late)
      subscriber.onError(error);
    }
  }

  private boolean awaitDemand() {
    synchronized (lock) {
      while (demand == 0 && !cancelled && !badRequest) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      if (cancelled || badRequest) {
        return false;
      }
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      return true;
    }
  }

  private boolean isCancelled() {
    synchronized (lock) {
      return cancelled;
    }
  }

  private BackendException idleTimeout(String endpoint) {
    Duration idle = runner.idleTimeout;
    return new BackendException(endpoint, -1, "no chunk for " + idle.toMillis() + " ms", "",
        new TimeoutException("idle timeout"));
  }

  private static CancellationException cancellation() {
    return new CancellationException("stream cancelled by its subscriber");
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
