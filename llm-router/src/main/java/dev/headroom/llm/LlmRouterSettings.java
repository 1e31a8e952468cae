package dev.headroom.llm;

import dev.headroom.core.Checks;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.SlowStart;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.route.RetryBudget;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated, immutable settings of an {@link LlmRouter}, made by {@link LlmRouter.Builder#build()}: everything
 * inside the router reads these, never the builder, so changing a builder after {@code build()} changes nothing.
 * Nullable: {@code cloud}, {@code healthCheckInterval} (probes off), {@code responseCache}, {@code slowStart} (off),
 * {@code vram} (no VRAM management), {@code affinity} (no conversation affinity),
 * {@code retryBudget}
 * (core's default), {@code meterRegistry} and {@code httpClient} (a default one).
 */
record LlmRouterSettings(String name, List<OllamaNode> nodes, List<OllamaNode> remoteNodes, CloudConfig cloud,
    Duration localWaitBudget, Duration remoteWaitBudget, Duration cloudWaitBudget, Duration firstTokenTimeout,
    Duration idleTimeout, Duration requestTimeout, Duration connectTimeout, Duration pollInterval,
    Duration pollTimeout, Duration healthCheckInterval, Map<String, String> aliases, ResponseCache responseCache,
    Duration cacheTtl, long maxBodyBytes, int maxLineBytes, int expectedTokens, double loadedPreference,
    Duration defaultColdLoad, Duration keepAlive, int maxAttempts, int maxWaiters, RetryBudget retryBudget,
    OutlierDetection outlierDetection, MeterRegistry meterRegistry, Ticker ticker, Scheduler scheduler,
    RandomSource random, HttpClient httpClient, boolean discoverOnBuild, FleetCoordinator coordinator,
    boolean strictNodeCaps, Duration drainTimeout, SlowStart slowStart, ObservationRegistry observationRegistry,
    VramPolicy vram, ConversationAffinity affinity, List<ModelGroup> modelGroups) {

  /**
   * Validates {@code b} and copies its settings. Every bad setting is a {@link dev.headroom.core.ConfigException}
   * of subject {@code llm router '<name>'} whose path is the builder's setting name ({@code maxBodyBytes}).
   */
  static LlmRouterSettings from(LlmRouter.Builder b) {
    Checks.in("llm router").nonBlank("name", b.name);
    Checks checks = Checks.in("llm router '" + b.name + "'");
    if (!b.startEmpty) {
      checks.notEmpty("nodes", b.nodes, "ollama node");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < b.nodes.size(); i++) {
      unique(checks, ids, "nodes[" + i + "].id", b.nodes.get(i).id());
    }
    for (int i = 0; i < b.remoteNodes.size(); i++) {
      unique(checks, ids, "remoteNodes[" + i + "].id", b.remoteNodes.get(i).id());
    }
    checks.nonNegative("localWaitBudget", b.localWaitBudget);
    checks.nonNegative("remoteWaitBudget", b.remoteWaitBudget);
    checks.nonNegative("cloudWaitBudget", b.cloudWaitBudget);
    checks.positive("firstTokenTimeout", b.firstTokenTimeout);
    checks.positive("idleTimeout", b.idleTimeout);
    checks.positive("requestTimeout", b.requestTimeout);
    checks.positive("connectTimeout", b.connectTimeout);
    checks.positive("pollInterval", b.pollInterval);
    checks.positive("pollTimeout", b.pollTimeout);
    checks.positive("cacheTtl", b.cacheTtl);
    checks.positive("defaultColdLoad", b.defaultColdLoad);
    checks.positive("keepAlive", b.keepAlive);
    checks.atLeast("maxBodyBytes", b.maxBodyBytes, 1024L);
    checks.atLeast("maxLineBytes", b.maxLineBytes, 1024);
    checks.atLeast("expectedTokens", b.expectedTokens, 1);
    if (!(b.loadedPreference > 0 && b.loadedPreference <= 1)) {
      throw checks.invalid("loadedPreference", b.loadedPreference, "must be in (0, 1]");
    }
    checks.atLeast("maxAttempts", b.maxAttempts, 1);
    checks.atLeast("maxWaiters", b.maxWaiters, 0);
    checks.nonNegative("drainTimeout", b.drainTimeout);
    groups(checks, ids, b);
    return new LlmRouterSettings(b.name, List.copyOf(b.nodes), List.copyOf(b.remoteNodes), b.cloud,
        b.localWaitBudget, b.remoteWaitBudget, b.cloudWaitBudget, b.firstTokenTimeout, b.idleTimeout,
        b.requestTimeout, b.connectTimeout, b.pollInterval, b.pollTimeout, b.healthCheckInterval,
        Map.copyOf(b.aliases), b.responseCache, b.cacheTtl, b.maxBodyBytes, b.maxLineBytes, b.expectedTokens,
        b.loadedPreference, b.defaultColdLoad, b.keepAlive, b.maxAttempts, b.maxWaiters, b.retryBudget,
        b.outlierDetection, b.meterRegistry, b.ticker, b.scheduler, b.random, b.httpClient, b.discoverOnBuild,
        b.coordinator, b.strictNodeCaps, b.drainTimeout, b.slowStart, b.observationRegistry, b.vram,
        b.affinity, List.copyOf(b.modelGroups));
  }

  /**
   * Checks the model groups: unique names; a provider deployment's id is no node's or tier's; a deployment id used
   * in two groups is the same deployment; a group with the Ollama fleet's deployment needs a fleet.
   */
  private static void groups(Checks checks, Set<String> nodeIds, LlmRouter.Builder b) {
    Set<String> names = new HashSet<>();
    Map<String, Deployment> byId = new java.util.HashMap<>();
    for (int i = 0; i < b.modelGroups.size(); i++) {
      ModelGroup group = b.modelGroups.get(i);
      if (!names.add(group.name())) {
        throw checks.invalid("modelGroups[" + i + "].name", group.name(), "must be unique");
      }
      for (int j = 0; j < group.deployments().size(); j++) {
        Deployment d = group.deployments().get(j);
        String path = "modelGroups[" + i + "].deployments[" + j + "]";
        if (d.isOllama()) {
          continue;
        }
        if (nodeIds.contains(d.id()) || Set.of(LlmRouter.LOCAL, LlmRouter.REMOTE, LlmRouter.CLOUD, LlmRouter.CACHE)
            .contains(d.id())) {
          throw checks.invalid(path + ".id", d.id(), "must not be a node's id or a tier's name");
        }
        Deployment seen = byId.putIfAbsent(d.id(), d);
        if (seen != null && seen != d) {
          throw checks.invalid(path + ".id", d.id(), "is another deployment's: a deployment in two groups must be "
              + "the same Deployment object (one pool, one set of limits); give the other an id()");
        }
      }
    }
  }

  /** Whether probes of {@code /api/version} run. */
  boolean healthChecks() {
    return healthCheckInterval != null;
  }

  private static void unique(Checks checks, Set<String> ids, String path, String id) {
    if (!ids.add(id) || id.equals(LlmRouter.CLOUD)) {
      throw checks.invalid(path, id, "must be unique across pools and not 'cloud'");
    }
  }
}
