package dev.headroom.springhttp;

import dev.headroom.core.BackendException;
import dev.headroom.core.http.EndpointUri;
import dev.headroom.core.http.RetryAfter;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

/**
 * Spring's {@code RestClient} (or {@code RestTemplate}) through a Headroom {@link Router}: each request goes to the
 * endpoint the router picks, and its reply tells the router how the endpoint is doing.
 *
 * <pre>{@code
 * RestClient ollama = RestClient.builder()
 *     .baseUrl("http://ollama")                                    // any host: the router's pick replaces it
 *     .requestInterceptor(HeadroomInterceptor.of(router))
 *     .build();
 * }</pre>
 *
 * <p>The request's scheme, host and port become the leased endpoint's (its path prefix kept). Replies: 2xx and 3xx
 * are answers; {@code 429} and {@code 503} are backpressure (the endpoint is skipped for its {@code Retry-After}
 * and the request goes elsewhere at once); another {@code 4xx} is the request's fault (returned as it is, not
 * retried, not held against the endpoint); a {@code 5xx} is the endpoint's failure (retried elsewhere for
 * idempotent methods, GET, HEAD, OPTIONS, PUT, DELETE, as the router's retry budget allows). When no attempt
 * answered, the last reply is returned, so the client's own status handling ({@code HttpServerErrorException})
 * applies; when no endpoint could take the request, the router's {@code NoCapacityException} (a
 * {@code RequestTimeoutException} at the deadline) is thrown. Retries are the router's: leave Spring's retry off.
 * The request's timeout is the {@link Builder#timeout(Duration) timeout} here; a call still running at it is
 * interrupted. Add this interceptor last: a retry runs the interceptors after it again, not those before.
 */
public final class HeadroomInterceptor implements ClientHttpRequestInterceptor {
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

  private final Router router;
  private final RouteOptions idempotent;
  private final RouteOptions once;

  private HeadroomInterceptor(Builder b) {
    this.router = b.router;
    RouteOptions.Builder idempotentOptions = RouteOptions.builder().idempotent(true);
    RouteOptions.Builder onceOptions = RouteOptions.builder();
    if (b.timeout != null) {
      idempotentOptions.timeout(b.timeout);
      onceOptions.timeout(b.timeout);
    }
    this.idempotent = idempotentOptions.build();
    this.once = onceOptions.build();
  }

  /** Routes through {@code router} with no timeout of its own (the client's timeouts apply). */
  public static HeadroomInterceptor of(Router router) {
    return builder(router).build();
  }

  /** Settings for routing through {@code router}. */
  public static Builder builder(Router router) {
    return new Builder(Objects.requireNonNull(router, "router"));
  }

  @Override
  public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
      throws IOException {
    RouteOptions options = IDEMPOTENT.contains(request.getMethod()) ? idempotent : once;
    try {
      return router.execute(options, lease -> {
        URI target = EndpointUri.resolve(lease.endpoint().uri(), request.getURI());
        ClientHttpResponse response = execution.execute(new HttpRequestWrapper(request) {
          @Override
          public URI getURI() {
            return target;
          }
        }, body);
        int status = response.getStatusCode().value();
        if (status < 400) {
          return response;
        }
        BufferedResponse reply = BufferedResponse.of(response);
        if (status == 429 || status == 503 || status >= 500) { // the router retries, or gives the reply back
          Duration retryAfter = status == 429 || status == 503
              ? RetryAfter.parse(reply.getHeaders().getFirst("Retry-After")).orElse(null) : null;
          throw new Reply(lease.endpoint().id(), reply, retryAfter);
        }
        lease.detach(); // the request's fault: the client reads the reply, the endpoint is not blamed
        lease.clientError();
        return reply;
      });
    } catch (Reply last) {
      return last.response;
    }
  }

  @Override
  public String toString() {
    return "HeadroomInterceptor{" + router + '}';
  }

  /** A reply the router should retry elsewhere, or hand back when it gives up. */
  private static final class Reply extends BackendException {
    private static final long serialVersionUID = 1L;
    private final transient BufferedResponse response;

    Reply(String endpoint, BufferedResponse response, Duration retryAfter) {
      super(endpoint, response.status(), "HTTP " + response.status(), response.excerpt(), null, retryAfter);
      this.response = response;
    }
  }

  /** Settings of a {@link HeadroomInterceptor}. */
  public static final class Builder {
    private final Router router;
    private Duration timeout;

    private Builder(Router router) {
      this.router = router;
    }

    /**
     * Each request's deadline, waiting for an endpoint and retries included; a call still running at it is
     * interrupted and the request ends with a {@code RequestTimeoutException}. None by default.
     */
    public Builder timeout(Duration value) {
      Objects.requireNonNull(value, "timeout");
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive but was " + value);
      }
      this.timeout = value;
      return this;
    }

    /** The immutable interceptor. */
    public HeadroomInterceptor build() {
      return new HeadroomInterceptor(this);
    }
  }
}
