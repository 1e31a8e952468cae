package dev.headroom.core.route;

/** What a failed call means for the endpoint and for a retry. See {@link FailureClassifier}. */
public enum FailureKind {
  /** The endpoint said it is full (429, "server busy"): no penalty, re-route at once. Always safe to retry. */
  BUSY,
  /** The request never reached the endpoint (connection refused, connect timeout): a failure, safe to retry. */
  UNSENT,
  /** The endpoint failed after the request was sent (5xx, reset, read timeout): retried only if idempotent. */
  FAILED,
  /** The endpoint rightly refused a bad request (4xx): healthy endpoint, never retried. */
  REJECTED,
  /** The caller's own code failed, not the endpoint: no health sample, never retried. */
  LOCAL
}
