package dev.headroom.langchain4j;

import dev.headroom.llm.ChatStream;
import dev.headroom.llm.Chunk;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Subscribes to a {@link ChatStream} for a LangChain4j handler: chunks become partial responses, the end one complete
 * response or one error. A handler that throws from {@code onPartialResponse} ends the stream (it is cancelled) and
 * hears of its own exception in {@code onError}, as does one that throws from {@code onCompleteResponse} (as
 * LangChain4j's providers do). Once cancelled through the handle, the handler hears nothing more.
 */
final class StreamBridge implements Flow.Subscriber<Chunk>, StreamingHandle {
  private final ChatStream stream;
  private final StreamingChatResponseHandler handler;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Flow.Subscription subscription;

  StreamBridge(ChatStream stream, StreamingChatResponseHandler handler) {
    this.stream = stream;
    this.handler = handler;
  }

  @Override
  public void onSubscribe(Flow.Subscription value) {
    this.subscription = value;
    value.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(Chunk chunk) {
    if (cancelled.get()) {
      return;
    }
    try {
      handler.onPartialResponse(new PartialResponse(chunk.text()), new PartialResponseContext(this));
    } catch (RuntimeException e) {
      cancel();
      end(e);
    }
  }

  @Override
  public void onError(Throwable error) {
    if (!cancelled.get()) {
      end(error);
    }
  }

  @Override
  public void onComplete() {
    if (cancelled.get() || !ended.compareAndSet(false, true)) {
      return;
    }
    try {
      handler.onCompleteResponse(ResponseMapper.map(stream.result().join())); // completed before onComplete
    } catch (RuntimeException e) {
      handler.onError(e);
    }
  }

  @Override
  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      Flow.Subscription current = subscription;
      if (current != null) {
        current.cancel();
      }
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled.get();
  }

  private void end(Throwable error) {
    if (ended.compareAndSet(false, true)) {
      handler.onError(error);
    }
  }
}
