package dev.headroom.scaling.hpa;

/** Which of several policies applies ({@code selectPolicy}). */
public enum SelectPolicy {
  /** The policy allowing the largest change (the default). */
  MAX,
  /** The policy allowing the smallest change. */
  MIN,
  /** No scaling in this direction. */
  DISABLED
}
