package dev.headroom.core;

import java.util.Objects;

/**
 * A configuration was rejected when it was built. It carries, as fields, what was rejected and why:
 * <ul>
 *   <li>{@link #subject()}: what owns the setting, for the message ({@code pool 'ollama'}, {@code endpoint 'gpu-1'});
 *       empty when the setting stands on its own;
 *   <li>{@link #path()}: the setting's path below that owner in the builders' names ({@code maxWaiters},
 *       {@code outlierDetection.maxEjectionShare}, {@code rules[1].above.critical}), so that a configuration layer
 *       (the Spring starter) can name its own property without reading the message;
 *   <li>{@link #value()} (never a secret: a placeholder for those) and {@link #requirement()}.
 * </ul>
 * The message reads {@code pool 'ollama': maxWaiters must be >= 0 but was -1}. {@link Checks} throws these for the
 * common requirements.
 */
public final class ConfigException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final String subject;
  private final String path;
  private final String value;
  private final String requirement;

  /**
   * A rejected setting with no owner to name.
   *
   * @param path the setting's path, as a user of the builder would write it
   * @param value the rejected value (never a secret: pass a placeholder for those)
   * @param requirement what the setting must be, e.g. "must be > 0"
   */
  public ConfigException(String path, Object value, String requirement) {
    this("", path, value, requirement);
  }

  /**
   * A rejected setting of {@code subject}.
   *
   * @param subject what owns the setting, e.g. {@code pool 'ollama'}; empty for none
   * @param path the setting's path below {@code subject}, in the builder's names
   * @param value the rejected value (never a secret: pass a placeholder for those)
   * @param requirement what the setting must be, e.g. "must be > 0"
   */
  public ConfigException(String subject, String path, Object value, String requirement) {
    super(message(subject, path, value, requirement));
    this.subject = Objects.requireNonNull(subject, "subject");
    this.path = Objects.requireNonNull(path, "path");
    this.value = String.valueOf(value);
    this.requirement = Objects.requireNonNull(requirement, "requirement");
  }

  private static String message(String subject, String path, Object value, String requirement) {
    return (subject == null || subject.isEmpty() ? "" : subject + ": ") + path + " " + requirement + " but was "
        + value;
  }

  /** What owns the setting ({@code pool 'ollama'}), or empty. */
  public String subject() {
    return subject;
  }

  /** The setting's path below {@link #subject()}, in the builders' names ({@code outlierDetection.maxEjectionShare}). */
  public String path() {
    return path;
  }

  /** The subject and path together, as the message names them ({@code pool 'ollama': maxWaiters}). */
  public String setting() {
    return subject.isEmpty() ? path : subject + ": " + path;
  }

  /** The rejected value as text. */
  public String value() {
    return value;
  }

  /** What the setting must be ({@code must be > 0}). */
  public String requirement() {
    return requirement;
  }
}
