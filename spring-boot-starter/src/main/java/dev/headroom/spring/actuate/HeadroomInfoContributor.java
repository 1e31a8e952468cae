package dev.headroom.spring.actuate;

import dev.headroom.core.Pool;
import dev.headroom.scaling.ScalingAdvisor;
import dev.headroom.spring.HeadroomPools;
import dev.headroom.spring.HeadroomRouters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds a {@code headroom} section to {@code /actuator/info}: the pools (tier, endpoints, leases in flight,
 * queue), the routers' tiers and the scaling advisor's state at its last sample (which rules fire, which vetoes
 * and schedules are active), as {@link dev.headroom.scaling.AdvisorState#toMap()} gives it.
 */
public final class HeadroomInfoContributor implements InfoContributor {
  private final Optional<HeadroomPools> pools;
  private final Optional<HeadroomRouters> routers;
  private final Optional<ScalingAdvisor> advisor;

  /**
   * @param pools the pools, if any
   * @param routers the routers, if any
   * @param advisor the scaling advisor, if any
   */
  public HeadroomInfoContributor(Optional<HeadroomPools> pools, Optional<HeadroomRouters> routers,
      Optional<ScalingAdvisor> advisor) {
    this.pools = pools;
    this.routers = routers;
    this.advisor = advisor;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> headroom = new LinkedHashMap<>();
    pools.ifPresent(p -> {
      Map<String, Object> all = new LinkedHashMap<>();
      p.asMap().forEach((name, pool) -> all.put(name, pool(pool)));
      headroom.put("pools", all);
    });
    routers.ifPresent(r -> {
      Map<String, Object> all = new LinkedHashMap<>();
      r.asMap().forEach((name, router) -> all.put(name, Map.of(
          "tiers", router.tiers().stream().map(t -> t.name() + " -> " + t.pool().name()
              + " (wait " + t.waitBudget().toMillis() + " ms)").toList(),
          "maxAttempts", router.maxAttempts())));
      headroom.put("routers", all);
    });
    advisor.ifPresent(a -> headroom.put("scaling", a.state().toMap()));
    if (!headroom.isEmpty()) {
      builder.withDetail("headroom", headroom);
    }
  }

  private static Map<String, Object> pool(Pool pool) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tier", pool.config().tier());
    out.put("endpoints", pool.loads().stream().map(Object::toString).toList());
    out.put("inFlight", pool.inFlight());
    out.put("queueDepth", pool.queueDepth());
    return out;
  }
}
