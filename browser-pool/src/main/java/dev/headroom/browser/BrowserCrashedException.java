package dev.headroom.browser;

/**
 * The browser a session ran in went away: its process exited (killed, out of memory, crashed) or its DevTools
 * connection closed. Every session on that browser fails with this; the pool marks the host down, relaunches (or
 * reconnects to) it with backoff and gives its capacity back. Lease a new session to carry on.
 */
public final class BrowserCrashedException extends BrowserException {
  private static final long serialVersionUID = 1L;

  /**
   * @param host the host whose browser went away
   * @param message how it went away
   */
  public BrowserCrashedException(String host, String message) {
    super(host, message);
  }

  private BrowserCrashedException(BrowserCrashedException first) {
    super(first.host(), first.detail(), first);
  }

  @Override
  BrowserException again() {
    return new BrowserCrashedException(this);
  }
}
