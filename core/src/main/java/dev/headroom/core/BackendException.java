package dev.headroom.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * A backend replied with an error, replied with something that could not be understood, or could not be reached.
 * The body excerpt is bounded to {@value #MAX_EXCERPT_BYTES} bytes so a huge error page cannot flood logs.
 */
public class BackendException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  /** The most bytes of a reply body kept in {@link #bodyExcerpt()}. */
  public static final int MAX_EXCERPT_BYTES = 512;

  private final String endpoint;
  private final int status;
  private final String bodyExcerpt;

  /**
   * @param endpoint the endpoint id
   * @param status the HTTP (or protocol) status, or -1 when there was none
   * @param message what went wrong
   * @param body the reply body, or an empty string; only an excerpt is kept
   * @param cause the underlying exception, or null
   */
  public BackendException(String endpoint, int status, String message, String body, Throwable cause) {
    super(format(endpoint, status, message, excerpt(body)), cause);
    this.endpoint = endpoint;
    this.status = status;
    this.bodyExcerpt = excerpt(body);
  }

  /** An exception without a body or cause. */
  public BackendException(String endpoint, int status, String message) {
    this(endpoint, status, message, "", null);
  }

  /** The endpoint id. */
  public String endpoint() {
    return endpoint;
  }

  /** The status, when the backend sent one. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /** At most {@value #MAX_EXCERPT_BYTES} bytes of the reply body (UTF-8), with "…" when cut. */
  public String bodyExcerpt() {
    return bodyExcerpt;
  }

  /** Cuts {@code body} to {@value #MAX_EXCERPT_BYTES} UTF-8 bytes without splitting a character. */
  public static String excerpt(String body) {
    if (body == null || body.isEmpty()) {
      return "";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_EXCERPT_BYTES) {
      return body;
    }
    int end = MAX_EXCERPT_BYTES;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--; // do not cut a multi-byte character in half
    }
    return new String(Arrays.copyOf(bytes, end), StandardCharsets.UTF_8) + "…";
  }

  private static String format(String endpoint, int status, String message, String excerpt) {
    StringBuilder text = new StringBuilder("endpoint '").append(endpoint).append("'");
    if (status >= 0) {
      text.append(" status ").append(status);
    }
    text.append(": ").append(message);
    if (!excerpt.isEmpty()) {
      text.append(" [body: ").append(excerpt).append(']');
    }
    return text.toString();
  }
}
