package dev.headroom.core.http;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} value: whole seconds ({@code 120}) or an HTTP date
 * ({@code Wed, 21 Oct 2026 07:28:00 GMT}). The core caps how long it keeps an endpoint out of picks
 * ({@code PoolConfig.maxRetryAfter}), so a hostile value cannot bench a node for a day.
 */
public final class RetryAfter {
  private RetryAfter() {}

  /** The wait a {@code Retry-After} value asks for; empty when absent or unreadable, zero for a date passed. */
  public static Optional<Duration> parse(String value) {
    return parse(value, Clock.systemUTC());
  }

  /** {@link #parse(String)} with the clock that dates are measured against. */
  public static Optional<Duration> parse(String value, Clock clock) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String text = value.strip();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(text))));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration left = Duration.between(ZonedDateTime.now(clock.withZone(at.getZone())), at);
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
      } catch (DateTimeParseException garbage) {
        return Optional.empty();
      }
    }
  }
}
