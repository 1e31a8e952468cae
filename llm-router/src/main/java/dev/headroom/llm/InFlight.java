package dev.headroom.llm;

import dev.headroom.core.HeadroomException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The aborts of every exchange in progress, so that {@link LlmRouter#close()} can cut them all: a caller blocked
 * reading a slow body or a stream is freed at once with "the LLM router is closed" instead of waiting for its
 * timeout. An exchange started after close is aborted before it is sent.
 */
final class InFlight {
  private final Set<Abort> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A new abort, tracked until {@link #end(Abort)}. */
  Abort start() {
    Abort abort = new Abort();
    live.add(abort);
    if (closed) {
      abort.fire(closedError());
    }
    return abort;
  }

  /** The exchange of {@code abort} ended. */
  void end(Abort abort) {
    live.remove(abort);
  }

  /** Aborts every exchange in progress and every later one. */
  void closeAll() {
    closed = true;
    for (Abort abort : live) {
      abort.fire(closedError());
    }
    live.clear();
  }

  private static HeadroomException closedError() {
    return new HeadroomException("the LLM router is closed");
  }
}
