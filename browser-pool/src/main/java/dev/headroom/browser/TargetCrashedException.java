package dev.headroom.browser;

/**
 * The renderer of this session's page crashed (Chromium's {@code Target.targetCrashed}, "Aw, Snap!"). Only this
 * session fails; the browser and its other sessions carry on. Close the session and lease another.
 */
public final class TargetCrashedException extends BrowserException {
  private static final long serialVersionUID = 1L;

  private final String targetId;

  /**
   * @param host the host whose page crashed
   * @param targetId the crashed target
   * @param message what Chromium reported (status and error code)
   */
  public TargetCrashedException(String host, String targetId, String message) {
    super(host, "the renderer of target " + targetId + " crashed: " + message);
    this.targetId = targetId;
  }

  private TargetCrashedException(TargetCrashedException first) {
    super(first.host(), first.detail(), first);
    this.targetId = first.targetId;
  }

  /** The id of the crashed target. */
  public String targetId() {
    return targetId;
  }

  @Override
  BrowserException again() {
    return new TargetCrashedException(this);
  }
}
