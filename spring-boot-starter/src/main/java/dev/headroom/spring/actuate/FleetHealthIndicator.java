package dev.headroom.spring.actuate;

import dev.headroom.core.fleet.FleetCoordinator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The fleet coordinator: {@code UP} while the replicas share load, permits and limits through it,
 * {@link PoolHealthIndicator#DEGRADED} while it decides locally because its store does not answer (each hard cap
 * divided by the last known live replica count). Never {@code DOWN}: no request fails because coordination is down,
 * so the application stays in service. The details give this replica's id, the live replica count (the last known
 * one while degraded) and whether it is degraded; no seed or credential is shown.
 */
public final class FleetHealthIndicator implements HealthIndicator {
  private final FleetCoordinator fleet;

  /** @param fleet the coordinator to report on */
  public FleetHealthIndicator(FleetCoordinator fleet) {
    this.fleet = fleet;
  }

  @Override
  public Health health() {
    boolean degraded = fleet.degraded();
    return Health.status(degraded ? PoolHealthIndicator.DEGRADED : Status.UP)
        .withDetail("replicaId", fleet.replicaId())
        .withDetail("liveReplicas", fleet.liveReplicas())
        .withDetail("degraded", degraded)
        .build();
  }
}
