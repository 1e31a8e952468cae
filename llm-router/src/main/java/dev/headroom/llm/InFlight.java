package dev.headroom.llm;

import dev.headroom.core.HeadroomException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The aborts of every exchange in progress and the endpoint each runs on, so that {@link LlmRouter#close()} can cut
 * them all: a caller blocked reading a slow body or a stream is freed at once with "the LLM router is closed" instead
 * of waiting for its timeout. An exchange started after close is aborted before it is sent. Removing a node that
 * still has exchanges after its drain timeout cuts those ({@link #abortOn}).
 */
final class InFlight {
  private final Map<Abort, String> live = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** A new abort for an exchange with {@code endpoint}, tracked until {@link #end(Abort)}. */
  Abort start(String endpoint) {
    Abort abort = new Abort();
    live.put(abort, endpoint);
    if (closed) {
      abort.fire(closedError());
    }
    return abort;
  }

  /** The exchange of {@code abort} ended. */
  void end(Abort abort) {
    live.remove(abort);
  }

  /** Aborts every exchange in progress with {@code endpoint}; returns how many. */
  int abortOn(String endpoint, Throwable why) {
    int cut = 0;
    for (Map.Entry<Abort, String> entry : live.entrySet()) {
      if (entry.getValue().equals(endpoint)) {
        entry.getKey().fire(why);
        cut++;
      }
    }
    return cut;
  }

  /** Aborts every exchange in progress and every later one. */
  void closeAll() {
    closed = true;
    for (Abort abort : live.keySet()) {
      abort.fire(closedError());
    }
    live.clear();
  }

  private static HeadroomException closedError() {
    return new HeadroomException("the LLM router is closed");
  }
}
