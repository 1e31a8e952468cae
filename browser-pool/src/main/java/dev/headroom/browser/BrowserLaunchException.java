package dev.headroom.browser;

/**
 * A browser could not be started or reached: the executable failed, exited before opening its DevTools port, did
 * not open it in time, or a remote host's {@code /json/version} did not answer. The message carries the last lines
 * Chromium printed, when there are any.
 */
public final class BrowserLaunchException extends BrowserException {
  private static final long serialVersionUID = 1L;

  /**
   * @param host the host that failed to start
   * @param message what failed
   * @param cause the underlying error, if any
   */
  public BrowserLaunchException(String host, String message, Throwable cause) {
    super(host, message, cause);
  }

  /**
   * @param host the host that failed to start
   * @param message what failed
   */
  public BrowserLaunchException(String host, String message) {
    super(host, message);
  }
}
