package dev.headroom.testkit.hostile;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link HostileServer} answers a request: the ways real backends misbehave, plus a plain answer for the
 * paths that should work (a health probe, say). Immutable; build one with the static factories.
 */
public sealed interface Misbehaviour {

  /** Reads the request, then holds the connection open and writes nothing until the server closes. */
  static Misbehaviour neverAnswer() {
    return new NeverAnswer();
  }

  /** A 200 whose headers promise {@code body} in full, then the body at {@code bytesPerSecond}. */
  static Misbehaviour drip(String body, int bytesPerSecond, String contentType) {
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException("bytesPerSecond must be >= 1, was " + bytesPerSecond);
    }
    return new Drip(bytes(body), bytesPerSecond, contentType);
  }

  /** A 200 whose headers promise {@code body} in full; the first {@code bytes} bytes are sent, then the socket closes. */
  static Misbehaviour cutAfter(String body, int bytes, String contentType) {
    byte[] all = bytes(body);
    if (bytes < 0 || bytes >= all.length) {
      throw new IllegalArgumentException("bytes must be in [0, " + all.length + "), was " + bytes);
    }
    return new CutAfter(all, bytes, contentType);
  }

  /** A complete 200 {@code application/json} body holding several JSON values, one a line (NDJSON), not one. */
  static Misbehaviour ndjson(String... values) {
    return answer(200, "application/json", String.join("\n", values) + "\n");
  }

  /** A complete 200 whose body is one line of {@code bytes} bytes ({@code "aaaa…"}) with no newline. */
  static Misbehaviour hugeLine(int bytes, String contentType) {
    byte[] body = new byte[bytes];
    Arrays.fill(body, (byte) 'a');
    return new Answer(200, contentType, body, null);
  }

  /** A 200 {@code text/html} error page where JSON was expected (a proxy or captive portal). */
  static Misbehaviour html200() {
    return answer(200, "text/html; charset=utf-8",
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>upstream error</body></html>");
  }

  /** A {@code status} (503, 429) with a {@code Retry-After} of whole seconds, and a short JSON error body. */
  static Misbehaviour busy(int status, Duration retryAfter) {
    return new Answer(status, "application/json", bytes("{\"error\":\"busy\"}"),
        Objects.requireNonNull(retryAfter, "retryAfter"));
  }

  /** A well-formed answer. */
  static Misbehaviour answer(int status, String contentType, String body) {
    return new Answer(status, contentType, bytes(body), null);
  }

  /**
   * A chunked 200 that sends {@code lines} one every {@code every} (each followed by a newline), then
   * {@code repeatLast} more copies of the last one at the same pace ({@code Integer.MAX_VALUE}: until the
   * server closes), then ends the body.
   */
  static Misbehaviour lines(Duration every, int repeatLast, String... lines) {
    if (lines.length == 0) {
      throw new IllegalArgumentException("lines must not be empty");
    }
    return new Lines(Objects.requireNonNull(every, "every"), List.of(lines), repeatLast, "application/x-ndjson");
  }

  private static byte[] bytes(String text) {
    return Objects.requireNonNull(text, "body").getBytes(StandardCharsets.UTF_8);
  }

  /** See {@link #neverAnswer()}. */
  record NeverAnswer() implements Misbehaviour {}

  /** See {@link #drip}. */
  record Drip(byte[] body, int bytesPerSecond, String contentType) implements Misbehaviour {}

  /** See {@link #cutAfter}. */
  record CutAfter(byte[] body, int bytes, String contentType) implements Misbehaviour {}

  /** See {@link #answer}, {@link #busy}, {@link #html200}, {@link #ndjson} and {@link #hugeLine}. */
  record Answer(int status, String contentType, byte[] body, Duration retryAfter) implements Misbehaviour {}

  /** See {@link #lines}. */
  record Lines(Duration every, List<String> lines, int repeatLast, String contentType) implements Misbehaviour {}
}
