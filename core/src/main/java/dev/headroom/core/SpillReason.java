package dev.headroom.core;

/** Why a request left a tier (or a pool) without being served there. */
public enum SpillReason {
  /** Every eligible endpoint was at its concurrency limit and waiting would exceed the wait budget. */
  SATURATED,
  /** No endpoint was eligible: all ejected, down, draining, circuit-open, or filtered out. */
  NO_HEALTHY_ENDPOINT,
  /** A call failed in a way that may be retried, and the retry was sent to the next tier. */
  RETRYABLE_FAILURE,
  /** The request's own deadline passed. */
  DEADLINE
}
