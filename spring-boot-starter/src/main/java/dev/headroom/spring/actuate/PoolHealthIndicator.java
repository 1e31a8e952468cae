package dev.headroom.spring.actuate;

import dev.headroom.core.EndpointState;
import dev.headroom.core.Health;
import dev.headroom.core.Pool;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of one pool: {@code UP} when every endpoint is up and not draining, {@code DEGRADED} when some are
 * ejected, down or draining but at least one can take leases, {@code DOWN} when none can. The details list every
 * endpoint with its leases in flight, limit, health and whether it drains.
 *
 * <p>Spring Boot's health aggregation ignores a status it does not know; list {@code DEGRADED} in
 * {@code management.endpoint.health.status.order} (e.g. {@code DOWN, OUT_OF_SERVICE, DEGRADED, UP, UNKNOWN}) so
 * that it shows in the overall status.
 */
public final class PoolHealthIndicator implements HealthIndicator {
  /** Some endpoints cannot take leases, at least one can. */
  public static final Status DEGRADED = new Status("DEGRADED", "some endpoints are ejected, down or draining");

  private final Pool pool;

  /** @param pool the pool to report on */
  public PoolHealthIndicator(Pool pool) {
    this.pool = pool;
  }

  @Override
  public org.springframework.boot.health.contributor.Health health() {
    long now = pool.ticker().read();
    int eligible = 0;
    int members = 0;
    Map<String, Object> endpoints = new LinkedHashMap<>();
    for (EndpointState state : pool.endpoints()) {
      members++;
      Health health = state.health(now);
      boolean usable = health == Health.UP && !state.isDraining();
      if (usable) {
        eligible++;
      }
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("uri", withoutUserInfo(state.endpoint().uri()));
      detail.put("health", health.name());
      detail.put("inFlight", state.inFlight());
      detail.put("limit", state.limit());
      detail.put("draining", state.isDraining());
      detail.put("warming", state.isWarming(now)); // slow start: up, on a reduced share that ramps up
      detail.put("ejections", state.ejections());
      detail.put("circuitBreaker", state.breaker().state().name());
      endpoints.put(state.id(), detail);
    }
    Status status = eligible == 0 ? Status.DOWN : eligible < members ? DEGRADED : Status.UP;
    return org.springframework.boot.health.contributor.Health.status(status)
        .withDetail("tier", pool.config().tier())
        .withDetail("eligible", eligible + "/" + members)
        .withDetail("inFlight", pool.inFlight())
        .withDetail("queueDepth", pool.queueDepth())
        .withDetail("endpoints", endpoints)
        .build();
  }

  /** The URI without user info, so that credentials in it never reach a health report. */
  static String withoutUserInfo(URI uri) {
    if (uri.getUserInfo() == null) {
      return uri.toString();
    }
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
    } catch (java.net.URISyntaxException e) {
      return uri.getScheme() + "://(hidden)";
    }
  }
}
