package dev.headroom.browser;

import java.time.Duration;
import java.util.Objects;

/**
 * A navigation did not reach its load event within the pool's
 * {@link BrowserPoolConfig#navigationTimeout() navigation timeout}, counted from the moment {@code Page.navigate}
 * was sent: a server that never answers, one that drips its page, or a page whose subresources never finish. The
 * navigation has been stopped, so the session stays usable for another {@link BrowserSession#navigate(String)}.
 */
public final class NavigationTimeoutException extends NavigationException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  /**
   * @param host the session's host
   * @param url the URL navigated to (user-info, query and fragment are dropped from it)
   * @param timeout the navigation timeout that passed
   * @param stage what had not happened yet, e.g. {@code "the server had not answered"}
   */
  public NavigationTimeoutException(String host, String url, Duration timeout, String stage) {
    super(host, url, "timed out after " + Objects.requireNonNull(timeout, "timeout").toMillis() + " ms ("
        + Objects.requireNonNull(stage, "stage") + ")");
    this.timeout = timeout;
  }

  /** The navigation timeout that passed. */
  public Duration timeout() {
    return timeout;
  }
}
