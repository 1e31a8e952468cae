package dev.headroom.spring.actuate;

import dev.headroom.sql.ReplicaRoutingDataSource;
import dev.headroom.sql.ReplicaStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The read replicas of a {@link ReplicaRoutingDataSource}: {@code UP} when every replica takes reads,
 * {@link PoolHealthIndicator#DEGRADED} when some (or all) do not, because they are down, ejected, unverified or
 * lagging past the limits: their reads then go to the other replicas or to the primary. The details list every
 * replica with its health, lag in bytes and milliseconds, connections in use and why it gets no reads. The primary
 * itself is Spring Boot's {@code db} health indicator's business.
 */
public final class ReplicaHealthIndicator implements HealthIndicator {
  private final ReplicaRoutingDataSource dataSource;

  /** @param dataSource the data source to report on */
  public ReplicaHealthIndicator(ReplicaRoutingDataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Health health() {
    int eligible = 0;
    int replicas = 0;
    Map<String, Object> details = new LinkedHashMap<>();
    for (ReplicaStatus replica : dataSource.replicas()) {
      replicas++;
      if (replica.eligible()) {
        eligible++;
      }
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("eligible", replica.eligible());
      detail.put("health", replica.health().name());
      detail.put("verified", replica.verified());
      detail.put("lagging", replica.lagging());
      detail.put("lagBytes", replica.lagBytes());
      detail.put("lagMillis", replica.lag().toMillis());
      detail.put("inFlight", replica.inFlight());
      detail.put("draining", replica.draining());
      detail.put("warming", replica.warming());
      if (!replica.problem().isEmpty()) {
        detail.put("problem", replica.problem());
      }
      details.put(replica.id(), detail);
    }
    Status status = eligible == replicas ? Status.UP : PoolHealthIndicator.DEGRADED;
    return Health.status(status)
        .withDetail("eligible", eligible + "/" + replicas)
        .withDetail("connectionsInUse", dataSource.connectionsInUse())
        .withDetail("replicas", details)
        .build();
  }
}
