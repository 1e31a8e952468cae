package dev.headroom.spring;

import dev.headroom.core.ConfigException;
import dev.headroom.core.Endpoint;
import dev.headroom.core.HealthCheck;
import dev.headroom.core.HealthProbe;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.spring.discovery.HeadroomDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps {@code headroom.pools.<name>.*} onto {@link PoolConfig}, naming every rejected value by its property. */
final class PoolFactory {
  private static final Logger LOG = LoggerFactory.getLogger(PoolFactory.class);

  private final HttpClient probeClient;
  private final Optional<MeterRegistry> registry;
  private final Optional<FleetCoordinator> fleet;
  private final List<HeadroomPoolCustomizer> customizers;

  PoolFactory(HttpClient probeClient, Optional<MeterRegistry> registry, Optional<FleetCoordinator> fleet,
      List<HeadroomPoolCustomizer> customizers) {
    this.probeClient = probeClient;
    this.registry = registry;
    this.fleet = fleet;
    this.customizers = List.copyOf(customizers);
  }

  PoolConfig config(String name, PoolProperties p) {
    String at = "headroom.pools." + name;
    PoolConfig.Builder b = PoolConfig.builder(name);
    HeadroomDiscovery.check(at + ".discovery", p.discovery());
    if (p.endpoints().isEmpty()) {
      if (!p.discovery().configured()) {
        throw PropertyErrors.invalid(at + ".endpoints", "[]", "must list at least one endpoint (or set a discovery"
            + " source)");
      }
      b.startEmpty();
    }
    if (p.slowStart() != null) {
      PropertyErrors.as(at + ".slow-start", () -> b.slowStart(p.slowStart()));
    }
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < p.endpoints().size(); i++) {
      b.endpoint(endpoint(at + ".endpoints[" + i + "]", p.endpoints().get(i), ids, i));
    }
    if (p.tier() != null) {
      if (p.tier().isBlank()) {
        throw PropertyErrors.invalid(at + ".tier", "'" + p.tier() + "'", "must be non-empty when set");
      }
      b.tier(p.tier());
    }
    b.picker(p.picker().create())
        .maxWaiters(p.maxWaiters())
        .latencyHalfLife(p.latencyHalfLife())
        .initialLatency(p.initialLatency())
        .panicThreshold(p.panicThreshold())
        .maxRetryAfter(p.maxRetryAfter())
        .leakDetectionThreshold(p.leakDetectionThreshold())
        .outlierDetection(outlierDetection(at + ".outlier-detection", p.outlierDetection()));
    healthCheck(at + ".health-check", p.healthCheck()).ifPresent(b::healthCheck);
    if (!p.circuitBreaker().enabled()) {
      b.noCircuitBreaker();
    }
    registry.ifPresent(b::meterRegistry);
    fleet.ifPresent(b::coordinator);
    b.strictCaps(p.strictCaps());
    if (p.strictCaps() && fleet.isEmpty()) {
      LOG.warn("{}.strict-caps has no effect without a fleet coordinator (headroom.fleet.*): in one process the"
          + " pool's own limit is the cap", at);
    }
    for (HeadroomPoolCustomizer customizer : customizers) {
      customizer.customize(name, b);
    }
    return PropertyErrors.at(at, b::build);
  }

  private static Endpoint endpoint(String at, PoolProperties.Endpoint e, Map<String, Integer> ids, int index) {
    if (e.id() == null || e.id().isBlank()) {
      throw PropertyErrors.invalid(at + ".id", e.id() == null ? "(missing)" : "'" + e.id() + "'", "must be set");
    }
    Integer first = ids.putIfAbsent(e.id(), index);
    if (first != null) {
      throw PropertyErrors.invalid(at + ".id", e.id(), "must be unique in the pool (endpoints[" + first + "] has it)");
    }
    if (e.uri() == null) {
      throw PropertyErrors.invalid(at + ".uri", "(missing)", "must be set");
    }
    return PropertyErrors.at(at, () -> new Endpoint(e.id(), e.uri(), e.weight(), e.maxConcurrency(), e.labels()));
  }

  static OutlierDetection outlierDetection(String at, PoolProperties.OutlierDetection o) {
    if (!o.enabled()) {
      return OutlierDetection.disabled();
    }
    return PropertyErrors.at(at, "outlierDetection", () -> OutlierDetection.builder()
        .consecutiveFailures(o.consecutiveFailures())
        .failureRateThreshold(o.failureRateThreshold())
        .failureRateMinRequests(o.failureRateMinRequests())
        .failureRateWindow(o.failureRateWindow())
        .baseEjectionTime(o.baseEjectionTime())
        .maxEjectionTime(o.maxEjectionTime())
        .maxEjectionShare(o.maxEjectionShare())
        .build());
  }

  private Optional<HealthCheck> healthCheck(String at, PoolProperties.HealthCheck h) {
    if (h.path() == null) {
      return Optional.empty();
    }
    if (!h.path().startsWith("/")) {
      throw PropertyErrors.invalid(at + ".path", h.path(), "must start with '/'");
    }
    return Optional.of(PropertyErrors.at(at, "healthCheck", () -> {
      if (h.timeout() == null || h.timeout().isNegative() || h.timeout().isZero()) {
        // checked here too: the probe's request timeout is built before HealthCheck validates it
        throw new ConfigException("healthCheck.timeout", h.timeout(), "must be > 0");
      }
      return HealthCheck.builder(HealthProbe.httpGet(probeClient, h.path(), h.timeout()))
          .interval(h.interval())
          .timeout(h.timeout())
          .jitter(h.jitter())
          .unhealthyThreshold(h.unhealthyThreshold())
          .healthyThreshold(h.healthyThreshold())
          .build();
    }));
  }
}
