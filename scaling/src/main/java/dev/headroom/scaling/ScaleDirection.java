package dev.headroom.scaling;

/** Which way a signal asks a service to scale. */
public enum ScaleDirection {
  /** Add replicas. */
  UP,
  /** Remove replicas. */
  DOWN;

  /** The lower-case name used in configuration files and metric tags ({@code up}, {@code down}). */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
