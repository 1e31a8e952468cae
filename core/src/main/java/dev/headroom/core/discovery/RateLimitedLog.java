package dev.headroom.core.discovery;

import dev.headroom.core.time.Ticker;

/** Lets a warning through at most once per interval and counts the ones held back meanwhile. Thread-safe. */
final class RateLimitedLog {
  private final Ticker ticker;
  private final long intervalNanos;
  private boolean any;
  private long lastAt;
  private int suppressed;

  RateLimitedLog(Ticker ticker, long intervalNanos) {
    this.ticker = ticker;
    this.intervalNanos = intervalNanos;
  }

  /**
   * Whether to log now: returns -1 when not, else how many warnings were held back since the last one logged.
   */
  synchronized int tryLog() {
    long now = ticker.read();
    if (any && now - lastAt < intervalNanos) {
      suppressed++;
      return -1;
    }
    any = true;
    lastAt = now;
    int held = suppressed;
    suppressed = 0;
    return held;
  }
}
