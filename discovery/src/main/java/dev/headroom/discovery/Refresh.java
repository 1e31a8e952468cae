package dev.headroom.discovery;

import java.time.Duration;

/**
 * When a {@link DnsDiscovery} looks again: after an answer, when its TTL runs out, but never sooner than
 * {@code min} nor later than {@code max}; after failures in a row, {@code min}, doubled per failure, at most
 * {@code max}.
 */
record Refresh(Duration min, Duration max) {

  /** The wait after an answer whose records live {@code ttl}. */
  Duration afterAnswer(Duration ttl) {
    if (ttl.compareTo(min) < 0) {
      return min;
    }
    return ttl.compareTo(max) > 0 ? max : ttl;
  }

  /** The wait after the {@code failures}-th failure in a row (1 for the first). */
  Duration afterFailure(int failures) {
    Duration wait = min;
    for (int i = 1; i < failures && wait.compareTo(max) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(max) > 0 ? max : wait;
  }
}
