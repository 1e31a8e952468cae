package dev.headroom.browser;

import java.util.Optional;

/**
 * When a host's browser is due for retirement, and how long to wait before relaunching a browser that failed.
 * Pure functions of the configuration and the browser's numbers.
 */
final class Retirement {
  private Retirement() {}

  /** Whether the browser has created all the contexts it may ({@link BrowserHost#recycleAfterContexts()}). */
  static boolean contextBudgetSpent(BrowserHost host, Browser browser) {
    return host.recycleAfterContexts() > 0 && browser.contextsCreated() >= host.recycleAfterContexts();
  }

  /** {@code rss} or {@code age} when the browser has passed that limit (memory first), else empty. */
  static Optional<String> limitPassed(BrowserHost host, Browser browser, long rssBytes, long nowNanos) {
    if (host.maxRssBytes() > 0 && rssBytes > host.maxRssBytes()) {
      return Optional.of("rss");
    }
    if (!host.maxAge().isZero() && nowNanos - browser.startedAtNanos() >= host.maxAge().toNanos()) {
      return Optional.of("age");
    }
    return Optional.empty();
  }

  /** The wait before the next launch after {@code failures} failures in a row: doubling from the initial, capped. */
  static long backoffNanos(BrowserPoolConfig config, int failures) {
    long max = config.maxRelaunchBackoff().toNanos();
    long delay = config.relaunchBackoff().toNanos();
    for (int i = 1; i < failures && delay < max; i++) {
      delay = Math.min(max, delay * 2);
    }
    return delay;
  }

  /** Resident memory as a share of the limit (0 without a limit or a reading): the picker's penalty. */
  static double memoryPressure(BrowserHost host, long rssBytes) {
    long limit = host.maxRssBytes();
    return limit <= 0 || rssBytes <= 0 ? 0 : (double) rssBytes / limit;
  }
}
