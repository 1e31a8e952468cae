package dev.headroom.core;

import java.util.Objects;

/**
 * A configuration was rejected when it was built. The message names the setting, the value given and what was
 * expected, for example {@code pool 'ollama': maxConcurrency of endpoint 'gpu-1' must be >= 1 but was -2}.
 */
public final class ConfigException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final String setting;
  private final String value;

  /**
   * @param setting the name of the setting, as a user would write it
   * @param value the rejected value (never a secret: pass a placeholder for those)
   * @param requirement what the setting must be, e.g. "must be > 0"
   */
  public ConfigException(String setting, Object value, String requirement) {
    super(setting + " " + requirement + " but was " + value);
    this.setting = Objects.requireNonNull(setting, "setting");
    this.value = String.valueOf(value);
  }

  /** The name of the rejected setting. */
  public String setting() {
    return setting;
  }

  /** The rejected value as text. */
  public String value() {
    return value;
  }
}
