package dev.headroom.core.http;

import dev.headroom.core.BackendException;
import dev.headroom.core.Lease;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The JDK's {@link HttpClient} through a Headroom {@link Router}: each call goes to the endpoint the router picks,
 * with the request's deadline as each attempt's HTTP timeout, and the reply's status told to the router.
 *
 * <pre>{@code
 * HeadroomHttp http = HeadroomHttp.of(router);
 * HttpRequest request = HttpRequest.newBuilder(URI.create("http://ollama/api/chat"))   // the host is the router's pick
 *     .POST(BodyPublishers.ofString(json)).header("Content-Type", "application/json").build();
 * HttpResponse<String> reply = http.send(request, BodyHandlers.ofString(),
 *     RouteOptions.builder().timeout(Duration.ofSeconds(30)).idempotent(true).build());
 * CompletableFuture<HttpResponse<String>> later = http.sendAsync(request, BodyHandlers.ofString(), options);
 * }</pre>
 *
 * <p>The request's scheme, host and port are replaced by the leased endpoint's URI (a path prefix of the endpoint's
 * URI is kept); its path, query, method, headers and body are sent as they are. Each attempt's
 * {@link HttpRequest#timeout() timeout} is what is left of the request's deadline (capped by
 * {@link Builder#attemptTimeout}), and when the deadline passes mid-call the exchange is cancelled. Statuses:
 * 2xx and 3xx are answers; {@code 429} and {@code 503} are backpressure (the endpoint is skipped for its
 * {@code Retry-After}, the request goes elsewhere at once); other {@code 4xx} reject the request (no retry, not the
 * endpoint's fault); {@code 5xx} are the endpoint's failures (retried elsewhere when idempotent). A reply that is
 * not an answer ends as an {@link HttpStatusException} carrying it. Thread-safe.
 */
public final class HeadroomHttp {
  private final Router router;
  private final HttpClient client;
  private final Duration attemptTimeout;

  private HeadroomHttp(Builder b) {
    this.router = b.router;
    this.client = b.client != null ? b.client
        : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.attemptTimeout = b.attemptTimeout;
  }

  /** Calls through {@code router} with a default client (2 s connect timeout). */
  public static HeadroomHttp of(Router router) {
    return builder(router).build();
  }

  /** Settings for calls through {@code router}. */
  public static Builder builder(Router router) {
    return new Builder(Objects.requireNonNull(router, "router"));
  }

  /** Sends {@code request} with the router's default options (its timeout, not idempotent). */
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) {
    return send(request, handler, RouteOptions.defaults());
  }

  /**
   * Sends {@code request} to the endpoint the router picks, retrying per its rules, and returns the answer.
   *
   * @throws HttpStatusException when the last attempt's reply was not an answer
   * @throws dev.headroom.core.NoCapacityException when no endpoint could take it in time (a
   *     {@code RequestTimeoutException} when the deadline passed)
   */
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler, RouteOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
    return router.execute(options, lease -> {
      CompletableFuture<HttpResponse<T>> exchange = client.sendAsync(attempt(request, lease), handler);
      lease.onAbort(() -> exchange.cancel(true));
      try {
        return checked(lease, exchange.get());
      } catch (ExecutionException e) {
        throw unwrap(e.getCause());
      }
    });
  }

  /** {@link #sendAsync(HttpRequest, BodyHandler, RouteOptions)} with the router's default options. */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
    return sendAsync(request, handler, RouteOptions.defaults());
  }

  /**
   * Sends {@code request} without blocking; the future completes with the answer, or exceptionally as
   * {@link #send(HttpRequest, BodyHandler, RouteOptions)} throws, at the deadline at the latest.
   */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler,
      RouteOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
    return router.executeAsync(options, lease -> {
      CompletableFuture<HttpResponse<T>> exchange = client.sendAsync(attempt(request, lease), handler);
      lease.onAbort(() -> exchange.cancel(true));
      return exchange.thenApply(response -> checked(lease, response));
    });
  }

  /** The request for one attempt: at the leased endpoint, with what is left of the deadline as its timeout. */
  private HttpRequest attempt(HttpRequest request, Lease lease) {
    HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) -> true)
        .uri(EndpointUri.resolve(lease.endpoint().uri(), request.uri()));
    Duration perCall = attemptTimeout != null ? attemptTimeout : request.timeout().orElse(null);
    Duration timeout = perCall != null ? lease.deadline().cap(perCall)
        : lease.deadline().isFinite() ? lease.deadline().cap(lease.deadline().remaining()) : null;
    if (timeout != null) {
      b.timeout(timeout);
    }
    return b.build();
  }

  /** Returns an answer; throws what the router should make of any other reply. */
  private static <T> HttpResponse<T> checked(Lease lease, HttpResponse<T> response) {
    int status = response.statusCode();
    if (status < 400) {
      return response;
    }
    Duration retryAfter = status == 429 || status == 503
        ? RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null)).orElse(null) : null;
    throw new HttpStatusException(lease.endpoint().id(), response, excerpt(response.body()), retryAfter);
  }

  private static String excerpt(Object body) {
    if (body instanceof String text) {
      return BackendException.excerpt(text);
    }
    if (body instanceof byte[] bytes) {
      return BackendException.excerpt(new String(bytes, StandardCharsets.UTF_8));
    }
    return "";
  }

  private static Exception unwrap(Throwable cause) {
    Throwable t = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
    if (t instanceof Exception e) {
      return e;
    }
    return new IOException(t);
  }

  @Override
  public String toString() {
    return "HeadroomHttp{" + router + '}';
  }

  /** Settings of a {@link HeadroomHttp}. */
  public static final class Builder {
    private final Router router;
    private HttpClient client;
    private Duration attemptTimeout;

    private Builder(Router router) {
      this.router = router;
    }

    /** The client to send with (its executor, proxy, TLS, HTTP version); default one with a 2 s connect timeout. */
    public Builder client(HttpClient value) {
      this.client = Objects.requireNonNull(value, "client");
      return this;
    }

    /**
     * The longest one attempt may take, so that a retry still has time; never more than what is left of the
     * request's deadline. Default: the request's own {@link HttpRequest#timeout()}, else all that is left.
     */
    public Builder attemptTimeout(Duration value) {
      Objects.requireNonNull(value, "attemptTimeout");
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException("attemptTimeout must be positive but was " + value);
      }
      this.attemptTimeout = value;
      return this;
    }

    /** The immutable helper. */
    public HeadroomHttp build() {
      return new HeadroomHttp(this);
    }
  }
}
