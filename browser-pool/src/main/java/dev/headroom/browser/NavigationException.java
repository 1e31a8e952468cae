package dev.headroom.browser;

/**
 * A navigation failed before the page loaded, e.g. {@code net::ERR_CONNECTION_REFUSED}, or did not load in time
 * ({@link NavigationTimeoutException}). The URL it names has no credentials, query or fragment: those often carry
 * secrets.
 */
public class NavigationException extends BrowserException {
  private static final long serialVersionUID = 1L;

  private final String url;
  private final String errorText;

  /**
   * @param host the session's host
   * @param url the URL navigated to (user-info, query and fragment are dropped from it)
   * @param errorText Chromium's error, e.g. {@code net::ERR_NAME_NOT_RESOLVED}
   */
  public NavigationException(String host, String url, String errorText) {
    super(host, "navigation to " + Urls.redact(url) + " failed: " + errorText);
    this.url = Urls.redact(url);
    this.errorText = errorText;
  }

  /** The URL navigated to, without user-info, query or fragment. */
  public String url() {
    return url;
  }

  /** Chromium's error text, or what timed out for a {@link NavigationTimeoutException}. */
  public String errorText() {
    return errorText;
  }
}
