package dev.headroom.core;

import java.util.Locale;

/** How a lease ended. Each outcome feeds health and latency differently. */
public enum Outcome {
  /** The call succeeded: its latency is measured, it counts as a success for ejection and the breaker. */
  SUCCESS,
  /** The endpoint failed (error reply, reset, timeout): counts towards ejection and the breaker. */
  FAILURE,
  /**
   * The endpoint refused for lack of room (HTTP 429, Ollama's 503 "server busy"): backpressure, not failure.
   * No latency sample, no ejection; the router re-routes at once.
   */
  BUSY,
  /** The endpoint answered correctly that the request was bad (4xx): measured, counts as healthy. */
  CLIENT_ERROR,
  /** The lease was closed without an outcome (the caller gave up or threw): no sample, no penalty. */
  CANCELLED;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /** The value of the {@code outcome} metric tag. */
  public String tag() {
    return tag;
  }
}
