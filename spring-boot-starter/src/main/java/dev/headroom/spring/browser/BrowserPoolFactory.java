package dev.headroom.spring.browser;

import dev.headroom.browser.BrowserHost;
import dev.headroom.browser.BrowserPoolConfig;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.spring.PropertyErrors;
import dev.headroom.spring.discovery.HeadroomDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Maps {@code headroom.browser.*} onto a {@link BrowserPoolConfig}, naming every rejected value by its property. */
final class BrowserPoolFactory {
  static final String AT = "headroom.browser";

  private BrowserPoolFactory() {}

  static BrowserPoolConfig.Builder builder(HeadroomBrowserProperties p, Optional<MeterRegistry> registry,
      Optional<FleetCoordinator> fleet) {
    if (p.name() == null || p.name().isBlank()) {
      throw PropertyErrors.invalid(AT + ".name", "'" + p.name() + "'", "must be non-empty");
    }
    HeadroomDiscovery.check(AT + ".discovery", p.discovery());
    BrowserPoolConfig.Builder b = BrowserPoolConfig.builder(p.name());
    if (p.hosts().isEmpty()) {
      if (!p.discovery().configured()) {
        throw PropertyErrors.invalid(AT + ".hosts", "[]", "must list at least one host (or set a discovery source)");
      }
      b.startEmpty();
    }
    if (p.slowStart() != null) {
      PropertyErrors.as(AT + ".slow-start", () -> b.slowStart(p.slowStart()));
    }
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < p.hosts().size(); i++) {
      b.host(host(AT + ".hosts[" + i + "]", p.hosts().get(i), ids, i));
    }
    b.maxWaiters(p.maxWaiters())
        .commandTimeout(p.commandTimeout())
        .navigationTimeout(p.navigationTimeout())
        .launchTimeout(p.launchTimeout())
        .relaunchBackoff(p.relaunchBackoff(), p.maxRelaunchBackoff())
        .recycleDrainTimeout(p.recycleDrainTimeout())
        .maintenanceInterval(p.maintenanceInterval())
        .leakDetectionThreshold(p.leakDetectionThreshold())
        .shutdownHook(p.shutdownHook());
    registry.ifPresent(b::meterRegistry);
    fleet.ifPresent(b::coordinator);
    return b;
  }

  static BrowserPoolConfig build(BrowserPoolConfig.Builder builder) {
    return PropertyErrors.at(AT, builder::build);
  }

  private static BrowserHost host(String at, HeadroomBrowserProperties.Host h, Map<String, Integer> ids, int index) {
    if (h.id() == null || h.id().isBlank()) {
      throw PropertyErrors.invalid(at + ".id", h.id() == null ? "(missing)" : "'" + h.id() + "'", "must be set");
    }
    Integer first = ids.putIfAbsent(h.id(), index);
    if (first != null) {
      throw PropertyErrors.invalid(at + ".id", h.id(), "must be unique in the pool (hosts[" + first + "] has it)");
    }
    if (h.maxRss().isNegative()) {
      throw PropertyErrors.invalid(at + ".max-rss", h.maxRss(), "must be >= 0 (0: never)");
    }
    boolean defaultExecutable = Path.of(h.executable()).equals(BrowserHost.DEFAULT_EXECUTABLE);
    BrowserHost.Builder b;
    if (h.endpoint() == null) {
      b = BrowserHost.local(h.id());
      if (!defaultExecutable) {
        b.executable(Path.of(h.executable()));
      }
      h.extraArgs().forEach(b::extraArg);
      b.recycleAfterContexts(h.recycleAfterContexts()).maxAge(h.maxAge()).maxRssBytes(h.maxRss().toBytes());
    } else {
      localOnly(at + ".executable", !defaultExecutable, h.executable());
      localOnly(at + ".extra-args", !h.extraArgs().isEmpty(), h.extraArgs());
      localOnly(at + ".recycle-after-contexts", h.recycleAfterContexts() != 0, h.recycleAfterContexts());
      localOnly(at + ".max-age", !h.maxAge().isZero(), h.maxAge());
      localOnly(at + ".max-rss", h.maxRss().toBytes() != 0, h.maxRss());
      b = BrowserHost.remote(h.id(), h.endpoint());
    }
    b.maxSessions(h.maxSessions()).minIdle(h.minIdle());
    return PropertyErrors.at(at, b::build);
  }

  private static void localOnly(String property, boolean set, Object value) {
    if (set) {
      throw PropertyErrors.invalid(property, value, "applies to local hosts only (this host has an endpoint)");
    }
  }
}
