package dev.headroom.browser;

/** A navigation failed before the page loaded, e.g. {@code net::ERR_CONNECTION_REFUSED}, or did not load in time. */
public final class NavigationException extends BrowserException {
  private static final long serialVersionUID = 1L;

  private final String url;
  private final String errorText;

  /**
   * @param host the session's host
   * @param url the URL navigated to
   * @param errorText Chromium's error, e.g. {@code net::ERR_NAME_NOT_RESOLVED}
   */
  public NavigationException(String host, String url, String errorText) {
    super(host, "navigation to " + url + " failed: " + errorText);
    this.url = url;
    this.errorText = errorText;
  }

  /** The URL navigated to. */
  public String url() {
    return url;
  }

  /** Chromium's error text. */
  public String errorText() {
    return errorText;
  }
}
