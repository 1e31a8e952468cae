package dev.headroom.llm;

import dev.headroom.core.BackendException;
import java.time.Duration;

/**
 * The server refused for lack of room: Ollama's 503 "server busy, please try again. maximum pending requests
 * exceeded", or a 503 with {@code Retry-After}. Backpressure, not failure: the router re-routes at once and does not
 * count it against the node; with a {@link #retryAfter()} the node is not picked again until then (capped by the
 * pool's {@code maxRetryAfter}).
 */
public final class ServerBusyException extends BackendException {
  private static final long serialVersionUID = 1L;

  /** An exception for a busy reply of {@code endpoint}. */
  public ServerBusyException(String endpoint, int status, String message, String body) {
    super(endpoint, status, message, body, null);
  }

  /** An exception for a busy reply of {@code endpoint} that asked to be left alone for {@code retryAfter}. */
  public ServerBusyException(String endpoint, int status, String message, String body, Duration retryAfter) {
    super(endpoint, status, message, body, null, retryAfter);
  }
}
