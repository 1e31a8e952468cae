package dev.headroom.spring;

import dev.headroom.core.Pool;
import dev.headroom.core.route.Router;
import dev.headroom.core.route.Tier;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Maps {@code headroom.routers.<name>.*} onto {@link Router}s over the pools, naming every rejected value. */
final class RouterFactory {
  private final HeadroomPools pools;
  private final Optional<MeterRegistry> registry;
  private final List<HeadroomRouterCustomizer> customizers;

  RouterFactory(HeadroomPools pools, Optional<MeterRegistry> registry, List<HeadroomRouterCustomizer> customizers) {
    this.pools = pools;
    this.registry = registry;
    this.customizers = List.copyOf(customizers);
  }

  Router router(String name, RouterProperties p) {
    String at = "headroom.routers." + name;
    if (p.tiers().isEmpty()) {
      throw PropertyErrors.invalid(at + ".tiers", "[]", "must list at least one tier");
    }
    Router.Builder b = Router.builder(name);
    Map<String, Integer> tierNames = new HashMap<>();
    Pool first = null;
    for (int i = 0; i < p.tiers().size(); i++) {
      RouterProperties.Tier t = p.tiers().get(i);
      String tierAt = at + ".tiers[" + i + "]";
      if (t.pool() == null || t.pool().isBlank()) {
        throw PropertyErrors.invalid(tierAt + ".pool", t.pool() == null ? "(missing)" : "'" + t.pool() + "'",
            "must name a pool");
      }
      Pool pool = pools.find(t.pool()).orElseThrow(() -> PropertyErrors.invalid(tierAt + ".pool", t.pool(),
          "must name a pool of headroom.pools or a Pool bean " + pools.names()));
      String tierName = t.name() != null ? t.name() : t.pool();
      Integer earlier = tierNames.putIfAbsent(tierName, i);
      if (earlier != null) {
        throw PropertyErrors.invalid(tierAt + (t.name() != null ? ".name" : ".pool"), tierName,
            "must be a tier name not used before in the router (tiers[" + earlier + "] has it; set a name)");
      }
      b.tier(PropertyErrors.at(tierAt, () -> new Tier(tierName, pool, t.waitBudget())));
      first = first == null ? pool : first;
    }
    b.retryBudget(p.retryBudget().toCore(at + ".retry-budget", first.ticker()));
    b.maxAttempts(p.maxAttempts());
    registry.ifPresent(b::meterRegistry);
    for (HeadroomRouterCustomizer customizer : customizers) {
      customizer.customize(name, b);
    }
    return PropertyErrors.at(at, b::build);
  }
}
