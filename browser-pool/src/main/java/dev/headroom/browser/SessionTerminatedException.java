package dev.headroom.browser;

/**
 * The pool ended this session: the pool was closed, or the session's browser was retired by recycling and the
 * session was not returned within the recycle drain timeout.
 */
public final class SessionTerminatedException extends BrowserException {
  private static final long serialVersionUID = 1L;

  /**
   * @param host the session's host
   * @param message why the session was ended
   */
  public SessionTerminatedException(String host, String message) {
    super(host, message);
  }

  private SessionTerminatedException(SessionTerminatedException first) {
    super(first.host(), first.detail(), first);
  }

  @Override
  BrowserException again() {
    return new SessionTerminatedException(this);
  }
}
