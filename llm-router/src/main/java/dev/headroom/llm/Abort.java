package dev.headroom.llm;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Future;

/**
 * Aborts one HTTP exchange from another thread (a timeout or a cancelling subscriber): cancels the pending send and
 * closes the body being read, so that a blocked reader wakes up with an exception. The first reason wins.
 */
final class Abort {
  private volatile Future<?> pending;
  private volatile InputStream body;
  private volatile Throwable reason;

  void attach(Future<?> future) {
    this.pending = future;
    if (reason != null) {
      future.cancel(true);
    }
  }

  void attach(InputStream stream) {
    this.body = stream;
    if (reason != null) {
      closeQuietly(stream);
    }
  }

  /** Aborts with {@code why}; later calls do nothing. */
  synchronized void fire(Throwable why) {
    if (reason != null) {
      return;
    }
    reason = why;
    Future<?> f = pending;
    if (f != null) {
      f.cancel(true);
    }
    InputStream in = body;
    if (in != null) {
      closeQuietly(in);
    }
  }

  /** Why the exchange was aborted, or null. */
  Throwable reason() {
    return reason;
  }

  boolean fired() {
    return reason != null;
  }

  static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // closing to abort: an error here changes nothing
    }
  }
}
