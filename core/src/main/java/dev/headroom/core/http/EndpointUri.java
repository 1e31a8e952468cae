package dev.headroom.core.http;

import java.net.URI;
import java.util.Objects;

/**
 * Where a request written against a logical host ({@code http://ollama/api/chat}) goes on the endpoint a router
 * picked: the endpoint's scheme, host, port and any path prefix ({@code http://10.0.0.5:8080/v1}), then the
 * request's path and query. The request's own host, user info and fragment are dropped.
 */
public final class EndpointUri {
  private EndpointUri() {}

  /** {@code request}'s path and query under {@code endpoint}. */
  public static URI resolve(URI endpoint, URI request) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(request, "request");
    String prefix = endpoint.toString();
    if (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    String path = request.getRawPath() == null || request.getRawPath().isEmpty() ? "/" : request.getRawPath();
    return URI.create(prefix + path + (request.getRawQuery() == null ? "" : "?" + request.getRawQuery()));
  }
}
