package dev.headroom.llm;

import dev.headroom.core.BackendException;

/**
 * The server refused for lack of room: Ollama's 503 "server busy, please try again. maximum pending requests
 * exceeded". Backpressure, not failure: the router re-routes at once and does not count it against the node.
 */
public final class ServerBusyException extends BackendException {
  private static final long serialVersionUID = 1L;

  /** An exception for a busy reply of {@code endpoint}. */
  public ServerBusyException(String endpoint, int status, String message, String body) {
    super(endpoint, status, message, body, null);
  }
}
