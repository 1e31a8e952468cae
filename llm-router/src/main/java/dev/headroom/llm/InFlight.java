package dev.headroom.llm;

import dev.headroom.core.HeadroomException;
import dev.headroom.core.time.Ticker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The aborts of every exchange in progress and the endpoint each runs on, so that {@link LlmRouter#close()} can cut
 * them all: a caller blocked reading a slow body or a stream is freed at once with "the LLM router is closed" instead
 * of waiting for its timeout. An exchange started after close is aborted before it is sent. Removing a node that
 * still has exchanges after its drain timeout cuts those ({@link #abortOn}).
 */
final class InFlight {
  private final Map<Abort, Key> live = new ConcurrentHashMap<>();
  /** When each (endpoint, model) last started or ended an exchange, in ticker nanos: the VRAM guard's LRU. */
  private final Map<Key, Long> lastUse = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private volatile boolean closed;

  InFlight(Ticker ticker) {
    this.ticker = ticker;
  }

  /** An exchange's endpoint and the model it runs (its normalized name, or the cloud model). */
  private record Key(String endpoint, String model) {}

  /** A new abort for an exchange with {@code endpoint} running {@code model}, tracked until {@link #end(Abort)}. */
  Abort start(String endpoint, String model) {
    Abort abort = new Abort();
    Key key = new Key(endpoint, model);
    live.put(abort, key);
    lastUse.put(key, ticker.read());
    if (closed) {
      abort.fire(closedError());
    }
    return abort;
  }

  /** The exchange of {@code abort} ended. */
  void end(Abort abort) {
    Key key = live.remove(abort);
    if (key != null) {
      lastUse.put(key, ticker.read());
    }
  }

  /** How many exchanges run {@code model} on {@code endpoint} now. */
  int running(String endpoint, String model) {
    Key key = new Key(endpoint, model);
    int n = 0;
    for (Key k : live.values()) {
      if (k.equals(key)) {
        n++;
      }
    }
    return n;
  }

  /** When {@code model} last started or ended an exchange on {@code endpoint}; {@link Long#MIN_VALUE} if never. */
  long lastUse(String endpoint, String model) {
    return lastUse.getOrDefault(new Key(endpoint, model), Long.MIN_VALUE);
  }

  /** Forgets the use times of a removed endpoint. */
  void forget(String endpoint) {
    lastUse.keySet().removeIf(k -> k.endpoint().equals(endpoint));
  }

  /** Aborts every exchange in progress with {@code endpoint}; returns how many. */
  int abortOn(String endpoint, Throwable why) {
    int cut = 0;
    for (Map.Entry<Abort, Key> entry : live.entrySet()) {
      if (entry.getValue().endpoint().equals(endpoint)) {
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
