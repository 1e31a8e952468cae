package dev.headroom.llm;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A test subscriber that records every signal; it may request one chunk at a time and cancel after n chunks. */
class Collector implements Flow.Subscriber<Chunk> {
  final List<Chunk> chunks = new CopyOnWriteArrayList<>();
  final AtomicInteger completions = new AtomicInteger();
  final AtomicInteger errors = new AtomicInteger();
  final AtomicInteger signalsAfterEnd = new AtomicInteger();
  final CountDownLatch ended = new CountDownLatch(1);
  volatile Throwable error;
  private final int cancelAfter;
  private volatile boolean done;
  private Flow.Subscription subscription;

  /** Requests one chunk at a time and never cancels. */
  Collector() {
    this(-1);
  }

  /** Requests one chunk at a time and cancels after {@code cancelAfter} chunks (negative: never). */
  Collector(int cancelAfter) {
    this.cancelAfter = cancelAfter;
  }

  /** Cancels the subscription now. */
  void cancel() {
    subscription.cancel();
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(Chunk item) {
    if (done) {
      signalsAfterEnd.incrementAndGet();
      return;
    }
    chunks.add(item);
    if (cancelAfter >= 0 && chunks.size() >= cancelAfter) {
      done = true;
      subscription.cancel();
      ended.countDown();
      return;
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable throwable) {
    if (done) {
      signalsAfterEnd.incrementAndGet();
    }
    done = true;
    error = throwable;
    errors.incrementAndGet();
    ended.countDown();
  }

  @Override
  public void onComplete() {
    if (done) {
      signalsAfterEnd.incrementAndGet();
    }
    done = true;
    completions.incrementAndGet();
    ended.countDown();
  }

  String text() {
    StringBuilder b = new StringBuilder();
    chunks.forEach(c -> b.append(c.text()));
    return b.toString();
  }

  Collector await() throws InterruptedException {
    if (!ended.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the stream did not end within 30 s; chunks so far: " + chunks);
    }
    return this;
  }
}
