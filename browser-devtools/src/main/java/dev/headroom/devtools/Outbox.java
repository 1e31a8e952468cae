package dev.headroom.devtools;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Text messages to one WebSocket, sent one at a time in order, with a bound on what may wait: a peer that reads
 * slower than the other side writes is given up on ({@code onFailure} is told) instead of being buffered without
 * end or making the writer wait. Whoever calls {@link #send} never blocks. Thread-safe.
 */
final class Outbox {
  private final long limit;
  private final Function<String, CompletableFuture<?>> transport;
  private final Consumer<String> onFailure;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private long queued;
  private boolean sending;
  private boolean closed;

  /**
   * @param limit the most characters that may wait, the message being sent included
   * @param transport sends one whole message; its future completes when the socket has taken it
   * @param onFailure told once, with why, when the limit is passed or a send fails
   */
  Outbox(long limit, Function<String, CompletableFuture<?>> transport, Consumer<String> onFailure) {
    this.limit = limit;
    this.transport = transport;
    this.onFailure = onFailure;
  }

  /** Queues {@code text}; never blocks. Ignored once closed. */
  void send(String text) {
    boolean start = false;
    boolean overflow = false;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (queued + text.length() > limit) {
        closed = true;
        queue.clear();
        overflow = true;
      } else {
        queue.add(text);
        queued += text.length();
        start = !sending;
        sending = true;
      }
    }
    if (overflow) {
      onFailure.accept("more than " + limit + " characters were waiting to be sent");
    } else if (start) {
      pump();
    }
  }

  /** Drops what waits and sends nothing more. */
  synchronized void close() {
    closed = true;
    queue.clear();
  }

  synchronized long queued() {
    return queued;
  }

  /** Sends queued messages until one does not complete at once; its completion carries on. */
  private void pump() {
    while (true) {
      String next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || closed) {
          sending = false;
          return;
        }
      }
      CompletableFuture<?> sent;
      try {
        sent = transport.apply(next);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      if (sent.isDone() && !sent.isCompletedExceptionally()) {
        taken(next);
        continue;
      }
      String message = next;
      sent.whenComplete((ignored, error) -> {
        if (error != null) {
          failed(error);
        } else {
          taken(message);
          pump();
        }
      });
      return;
    }
  }

  private synchronized void taken(String text) {
    queue.poll();
    queued -= text.length();
  }

  private void failed(Throwable error) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
    }
    onFailure.accept("sending failed: " + error);
  }
}
