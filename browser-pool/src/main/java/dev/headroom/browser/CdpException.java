package dev.headroom.browser;

/**
 * The browser answered a DevTools Protocol command with an error, for example {@code -32601 'Foo.bar' wasn't found}
 * or {@code -32000 No target with given id found}.
 */
public final class CdpException extends BrowserException {
  private static final long serialVersionUID = 1L;

  private final String method;
  private final int code;
  private final String cdpMessage;

  /**
   * @param host the host that answered
   * @param method the command, e.g. {@code Page.navigate}
   * @param code the protocol error code
   * @param cdpMessage the protocol error message (and its data, if any)
   */
  public CdpException(String host, String method, int code, String cdpMessage) {
    super(host, method + " failed: " + code + " " + cdpMessage);
    this.method = method;
    this.code = code;
    this.cdpMessage = cdpMessage;
  }

  /** The command that failed. */
  public String method() {
    return method;
  }

  /** The protocol error code ({@code -32601}: no such method, {@code -32602}: bad params, {@code -32000}: server). */
  public int code() {
    return code;
  }

  /** The protocol error message. */
  public String cdpMessage() {
    return cdpMessage;
  }
}
