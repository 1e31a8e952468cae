package dev.headroom.llm;

import dev.headroom.core.HeadroomException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A streamed answer: a cold {@link Flow.Publisher} of {@link Chunk}s for one subscriber. Nothing is sent until it
 * is subscribed; then the request is routed, and chunks flow as the subscriber requests them.
 *
 * <p>The contract:
 * <ul>
 *   <li>Before the first chunk, a failed, busy or silent node (no first token within the first-token timeout) is
 *       retried on another node or tier, within the retry budget. The subscriber sees nothing of it.
 *   <li>After the first chunk, a failure (the node dies, an in-band error, no chunk within the idle timeout) ends
 *       the stream with a {@link StreamInterruptedException} carrying exactly the text delivered. Nothing is retried:
 *       no token is ever delivered twice, and no answer is silently restarted.
 *   <li>The request's timeout bounds the whole stream, first token included: past it the subscriber gets
 *       {@link dev.headroom.core.RequestTimeoutException} (before the first chunk) or a
 *       {@link StreamInterruptedException} caused by it (after).
 *   <li>The node's lease is released exactly once, whether the stream completes, fails or is cancelled.
 * </ul>
 *
 * <pre>{@code
 * router.stream(request).forEach(chunk -> System.out.print(chunk.text()))
 *     .thenAccept(done -> System.out.println("\n[" + done.endpoint() + ", ttft " + done.timeToFirstToken() + "]"));
 * }</pre>
 */
public final class ChatStream implements Flow.Publisher<Chunk> {
  private final RequestRunner runner;
  private final ChatRequest request;
  private final Executor executor;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final CompletableFuture<ChatResponse> result = new CompletableFuture<>();

  ChatStream(RequestRunner runner, ChatRequest request, Executor executor) {
    this.runner = runner;
    this.request = request;
    this.executor = executor;
  }

  /** Subscribes; a second subscriber gets an {@link IllegalStateException}. */
  @Override
  public void subscribe(Flow.Subscriber<? super Chunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException("a ChatStream has a single subscriber"));
      return;
    }
    StreamPump pump;
    try {
      pump = new StreamPump(runner, request, subscriber, result);
    } catch (RuntimeException e) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      result.completeExceptionally(e);
      subscriber.onError(e);
      return;
    }
    runner.watch(request, result);
    subscriber.onSubscribe(pump);
    try {
      executor.execute(pump);
    } catch (RejectedExecutionException e) {
      HeadroomException closed = new HeadroomException("the LLM router is closed", e);
      result.completeExceptionally(closed);
      subscriber.onError(closed);
    }
  }

  /**
   * The whole answer with its statistics once the stream completes; completes exceptionally with the error the
   * subscriber got, and is cancelled when the subscriber cancels. Only meaningful once subscribed.
   */
  public CompletableFuture<ChatResponse> result() {
    return result;
  }

  /**
   * Subscribes with unbounded demand, handing each chunk to {@code action} on the stream's thread.
   *
   * @return {@link #result()}
   */
  public CompletableFuture<ChatResponse> forEach(Consumer<? super Chunk> action) {
    Objects.requireNonNull(action, "action");
    subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(Chunk item) {
        action.accept(item);
      }

      @Override
      public void onError(Throwable throwable) {}

      @Override
      public void onComplete() {}
    });
    return result;
  }

  @Override
  public String toString() {
    return "ChatStream{" + request + (subscribed.get() ? ", subscribed" : "") + '}';
  }
}
