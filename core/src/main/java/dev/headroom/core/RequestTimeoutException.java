package dev.headroom.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A request's timeout ({@code RouteOptions.timeout}) passed before it was served: while it waited for a slot,
 * between attempts, or while a call was still running (then the {@code Router} aborted that call). A
 * {@link NoCapacityException} whose {@link #lastReason()} is {@link SpillReason#DEADLINE}, so existing catch blocks
 * keep working.
 */
public class RequestTimeoutException extends NoCapacityException {
  private static final long serialVersionUID = 1L;

  private final String router;
  private final String endpoint;
  private final Duration timeout;

  /**
   * @param router the router's name
   * @param endpoint the endpoint whose call was running at the deadline, or null when none was
   * @param timeout the request timeout that passed
   * @param attempts the tiers tried; the last one's reason must be {@link SpillReason#DEADLINE}
   * @param cause the last call failure, or null
   */
  public RequestTimeoutException(String router, String endpoint, Duration timeout, List<TierAttempt> attempts,
      Throwable cause) {
    super(message(router, endpoint, timeout), check(attempts), cause);
    this.router = router;
    this.endpoint = endpoint;
    this.timeout = timeout;
  }

  /** The router's name. */
  public String router() {
    return router;
  }

  /** The endpoint whose call was running when the deadline passed, if one was. */
  public Optional<String> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** The request timeout that passed. */
  public Duration timeout() {
    return timeout;
  }

  private static List<TierAttempt> check(List<TierAttempt> attempts) {
    if (attempts.isEmpty() || attempts.get(attempts.size() - 1).reason() != SpillReason.DEADLINE) {
      throw new IllegalArgumentException("a RequestTimeoutException's last attempt must be DEADLINE: " + attempts);
    }
    return attempts;
  }

  private static String message(String router, String endpoint, Duration timeout) {
    return "router '" + router + "': request timeout of " + timeout.toMillis() + " ms passed"
        + (endpoint == null ? "" : " while endpoint '" + endpoint + "' was serving the call");
  }
}
