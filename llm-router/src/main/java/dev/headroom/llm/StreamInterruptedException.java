package dev.headroom.llm;

import dev.headroom.core.BackendException;

/**
 * A stream failed after its first chunk was delivered, so it was not retried elsewhere (that would repeat or change
 * text the caller already has). {@link #partialText()} is exactly the text delivered before the failure.
 */
public final class StreamInterruptedException extends BackendException {
  private static final long serialVersionUID = 1L;

  private final String partialText;
  private final int chunks;

  /**
   * @param endpoint the endpoint that was streaming
   * @param partialText the text delivered so far
   * @param chunks how many chunks were delivered
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public StreamInterruptedException(String endpoint, String partialText, int chunks, String message,
      Throwable cause) {
    super(endpoint, -1, "stream interrupted after " + chunks + " chunks (" + partialText.length() + " chars): "
        + message, "", cause);
    this.partialText = partialText;
    this.chunks = chunks;
  }

  /** The text delivered before the failure: the concatenation of every chunk the subscriber received. */
  public String partialText() {
    return partialText;
  }

  /** How many chunks were delivered. */
  public int chunks() {
    return chunks;
  }
}
