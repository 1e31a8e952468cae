package dev.headroom.core;

import java.util.Objects;

/**
 * One tier (or pool) that a request tried, and why it was passed.
 *
 * @param tier the tier or pool name
 * @param reason why the request left it
 * @param detail a short human-readable detail, e.g. "queue full (64 waiting)"
 */
public record TierAttempt(String tier, SpillReason reason, String detail) {
  /** Validates the fields. */
  public TierAttempt {
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return detail.isEmpty() ? tier + "=" + reason : tier + "=" + reason + " (" + detail + ")";
  }
}
