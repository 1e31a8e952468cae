package dev.headroom.scaling;

/** How urgent a signal is: a rule's warning or critical threshold, or a schedule ({@link #INFO}). */
public enum Severity {
  /** A schedule started; no threshold was crossed. */
  INFO,
  /** The warning threshold has held for the rule's "for" duration. */
  WARNING,
  /** The critical threshold has held for the rule's "for" duration. */
  CRITICAL;

  /** The lower-case name used in metric tags. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
