package dev.headroom.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A backend replied with an error, replied with something that could not be understood, or could not be reached.
 * The body excerpt is bounded to {@value #MAX_EXCERPT_BYTES} bytes so a huge error page cannot flood logs.
 *
 * <p>A busy reply (HTTP 429 or 503) may carry the server's {@code Retry-After} as {@link #retryAfter()}; the
 * {@code Router} then keeps the endpoint out of picks for that long (capped by the pool), without counting it as
 * a failure.
 */
public class BackendException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  /** The most bytes of a reply body kept in {@link #bodyExcerpt()}. */
  public static final int MAX_EXCERPT_BYTES = 512;

  private final String endpoint;
  private final int status;
  private final String bodyExcerpt;
  private final String detail;
  private final Duration retryAfter;

  /**
   * @param endpoint the endpoint id
   * @param status the HTTP (or protocol) status, or -1 when there was none
   * @param message what went wrong
   * @param body the reply body, or an empty string; only an excerpt is kept
   * @param cause the underlying exception, or null
   */
  public BackendException(String endpoint, int status, String message, String body, Throwable cause) {
    this(endpoint, status, message, body, cause, null);
  }

  /**
   * @param endpoint the endpoint id
   * @param status the HTTP (or protocol) status, or -1 when there was none
   * @param message what went wrong
   * @param body the reply body, or an empty string; only an excerpt is kept
   * @param cause the underlying exception, or null
   * @param retryAfter how long the server asked callers to wait before trying it again (its {@code Retry-After}),
   *     or null; negative is taken as zero
   */
  public BackendException(String endpoint, int status, String message, String body, Throwable cause,
      Duration retryAfter) {
    this(endpoint, status, message, excerpt(body), retryAfter, cause);
  }

  /** With the excerpt already cut. */
  private BackendException(String endpoint, int status, String message, String bodyExcerpt, Duration retryAfter,
      Throwable cause) {
    super(format(endpoint, status, message, bodyExcerpt, retryAfter), cause);
    this.endpoint = endpoint;
    this.status = status;
    this.bodyExcerpt = bodyExcerpt;
    this.detail = message;
    this.retryAfter = retryAfter == null || !retryAfter.isNegative() ? retryAfter : Duration.ZERO;
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

  /** The server's {@code Retry-After}, when the reply carried one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * A copy of this exception (same endpoint, status, message, body excerpt, cause and stack trace) that carries
   * {@code retryAfter}. The copy is a plain {@code BackendException}.
   */
  public BackendException withRetryAfter(Duration retryAfter) {
    BackendException copy = new BackendException(endpoint, status, detail, bodyExcerpt,
        java.util.Objects.requireNonNull(retryAfter, "retryAfter"), getCause());
    copy.setStackTrace(getStackTrace());
    return copy;
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

  private static String format(String endpoint, int status, String message, String excerpt, Duration retryAfter) {
    StringBuilder text = new StringBuilder("endpoint '").append(endpoint).append("'");
    if (status >= 0) {
      text.append(" status ").append(status);
    }
    text.append(": ").append(message);
    if (retryAfter != null) {
      text.append(" (retry after ").append(Math.max(0, retryAfter.toMillis())).append(" ms)");
    }
    if (!excerpt.isEmpty()) {
      text.append(" [body: ").append(excerpt).append(']');
    }
    return text.toString();
  }
}
