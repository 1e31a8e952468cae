package dev.headroom.llm;

import dev.headroom.core.HeadroomException;

/**
 * A request to a {@link ModelGroup} is larger than the context window of every deployment of the group: its estimated
 * prompt tokens plus its answer tokens (max tokens, or the group's assumed answer length) fit none of them. Nothing
 * was sent. Shorten the prompt or the answer, or add a deployment with a larger window.
 */
public final class ContextWindowExceededException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final int estimatedTokens;
  private final int largestWindow;

  /**
   * @param group the group's name
   * @param estimatedTokens the request's estimated prompt and answer tokens
   * @param largestWindow the largest context window among the group's deployments
   */
  public ContextWindowExceededException(String group, int estimatedTokens, int largestWindow) {
    super("model group '" + group + "': the request needs about " + estimatedTokens
        + " tokens (prompt estimated at 4 characters a token, plus the answer), more than the largest context window "
        + "of its deployments (" + largestWindow + " tokens)");
    this.estimatedTokens = estimatedTokens;
    this.largestWindow = largestWindow;
  }

  /** The request's estimated prompt and answer tokens. */
  public int estimatedTokens() {
    return estimatedTokens;
  }

  /** The largest context window among the group's deployments. */
  public int largestWindow() {
    return largestWindow;
  }
}
