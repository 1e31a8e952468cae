package dev.headroom.devtools;

import dev.headroom.browser.BrowserException;

/**
 * A leased DevTools endpoint cannot be given out: the session has ended or failed, or the proxy is closed. The
 * message names the session's host and target, never the endpoint's secret path.
 */
public final class DevToolsProxyException extends BrowserException {
  private static final long serialVersionUID = 1L;

  /**
   * @param host the id of the session's host
   * @param message what is wrong
   */
  public DevToolsProxyException(String host, String message) {
    super(host, message);
  }
}
