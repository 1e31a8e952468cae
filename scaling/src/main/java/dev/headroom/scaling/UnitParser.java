package dev.headroom.scaling;

import dev.headroom.core.ConfigException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations and quantities of configuration files ("3m", "1h30m", "500ms", "20%"). */
final class UnitParser {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
  private static final Pattern QUANTITY = Pattern.compile("(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)\\s*(ms|s|m|h|%)?");

  private UnitParser() {}

  /** {@code 30s}, {@code 3m}, {@code 1h30m}, {@code 250ms}, {@code 2d} or ISO-8601 ({@code PT3M}). */
  static Duration duration(String setting, String text) {
    String t = text.trim();
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw badDuration(setting, text);
      }
    }
    Matcher m = DURATION_PART.matcher(t);
    Duration total = Duration.ZERO;
    int at = 0;
    while (at < t.length()) {
      if (!m.find(at) || m.start() != at) {
        throw badDuration(setting, text);
      }
      double amount = Double.parseDouble(m.group(1));
      long nanosPerUnit = switch (m.group(2)) {
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> 86_400_000_000_000L;
      };
      total = total.plusNanos(Math.round(amount * nanosPerUnit));
      at = m.end();
      while (at < t.length() && t.charAt(at) == ' ') {
        at++;
      }
    }
    if (t.isEmpty()) {
      throw badDuration(setting, text);
    }
    return total;
  }

  /**
   * A number in the metric's base unit: plain ({@code 50}, {@code 0.05}), a percentage as a fraction
   * ({@code 20%} is 0.2) or a time in seconds ({@code 500ms} is 0.5, {@code 2s}, {@code 1m} is 60).
   */
  static double quantity(String setting, String text) {
    Matcher m = QUANTITY.matcher(text.trim());
    if (!m.matches()) {
      throw new ConfigException(setting, text, "must be a number, a percentage (20%) or a time (500ms, 2s, 1m)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2);
    if (unit == null) {
      return n;
    }
    return switch (unit) {
      case "%" -> n / 100;
      case "ms" -> n / 1000;
      case "s" -> n;
      case "m" -> n * 60;
      default -> n * 3600;
    };
  }

  private static ConfigException badDuration(String setting, String text) {
    return new ConfigException(setting, text, "must be a duration such as 30s, 3m, 1h30m, 250ms or PT3M");
  }
}
