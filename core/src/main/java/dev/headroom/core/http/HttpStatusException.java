package dev.headroom.core.http;

import dev.headroom.core.BackendException;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A reply whose status is not a success, as {@link HeadroomHttp} reports it: {@code 429}/{@code 503} are backpressure
 * (the endpoint is skipped for its {@code Retry-After}), another {@code 4xx} is a rejection of the request (not
 * retried, not held against the endpoint), a {@code 5xx} a failure of the endpoint (retried elsewhere when the
 * request is idempotent and the retry budget allows). The last attempt's reply stays readable: {@link #response()}.
 */
public final class HttpStatusException extends BackendException {
  private static final long serialVersionUID = 1L;

  private final transient HttpResponse<?> response;

  HttpStatusException(String endpoint, HttpResponse<?> response, String body, Duration retryAfter) {
    super(endpoint, response.statusCode(), "HTTP " + response.statusCode(), body, null, retryAfter);
    this.response = response;
  }

  /** The reply, its body as the body handler read it; null after deserialization. */
  public HttpResponse<?> response() {
    return response;
  }
}
