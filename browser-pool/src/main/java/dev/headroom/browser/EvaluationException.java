package dev.headroom.browser;

/** The script passed to {@link BrowserSession#evaluate(String)} threw, or its promise rejected. */
public final class EvaluationException extends BrowserException {
  private static final long serialVersionUID = 1L;

  private final String description;

  /**
   * @param host the session's host
   * @param description the JavaScript exception as Chromium describes it, e.g. {@code ReferenceError: x is not
   *     defined}
   */
  public EvaluationException(String host, String description) {
    super(host, "script threw " + description);
    this.description = description;
  }

  /** The JavaScript exception as Chromium describes it. */
  public String description() {
    return description;
  }
}
