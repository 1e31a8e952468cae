package dev.headroom.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * No tier could serve the request. {@link #attempts()} lists every tier tried, in order, and why each was passed.
 */
public class NoCapacityException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final List<TierAttempt> attempts;

  /** An exception listing the tiers tried; the cause is the last call failure, if any. */
  public NoCapacityException(List<TierAttempt> attempts, Throwable cause) {
    super(message(attempts), cause);
    this.attempts = List.copyOf(attempts);
  }

  /** For subclasses with a message of their own; the tiers tried are appended to it. */
  protected NoCapacityException(String message, List<TierAttempt> attempts, Throwable cause) {
    super(message + " [" + message(attempts) + "]", cause);
    this.attempts = List.copyOf(attempts);
  }

  /** An exception listing the tiers tried. */
  public NoCapacityException(List<TierAttempt> attempts) {
    this(attempts, null);
  }

  /** The tiers tried, in order. */
  public List<TierAttempt> attempts() {
    return attempts;
  }

  /** The reason the last tier was passed. */
  public SpillReason lastReason() {
    return attempts.get(attempts.size() - 1).reason();
  }

  private static String message(List<TierAttempt> attempts) {
    if (attempts.isEmpty()) {
      throw new IllegalArgumentException("a NoCapacityException needs at least one attempt");
    }
    return "no capacity: " + attempts.stream().map(TierAttempt::toString).collect(Collectors.joining(", "));
  }
}
