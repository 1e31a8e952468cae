package dev.headroom.scaling;

import dev.headroom.core.ConfigException;
import java.time.Duration;

/** Validation shared by the rule builders; every failure names the setting. */
final class Checks {
  private Checks() {}

  static String name(String setting, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(setting, value, "must be non-empty");
    }
    return value;
  }

  static Duration nonNegative(String setting, Duration value) {
    if (value == null || value.isNegative()) {
      throw new ConfigException(setting, value, "must be >= 0");
    }
    return value;
  }

  static Duration positive(String setting, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new ConfigException(setting, value, "must be > 0");
    }
    return value;
  }

  static double finite(String setting, double value) {
    if (!Double.isFinite(value)) {
      throw new ConfigException(setting, value, "must be a finite number");
    }
    return value;
  }

  static double nonNegative(String setting, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new ConfigException(setting, value, "must be a finite number >= 0");
    }
    return value;
  }

  static <T> T present(String setting, T value) {
    if (value == null) {
      throw new ConfigException(setting, "(not set)", "must be set");
    }
    return value;
  }
}
