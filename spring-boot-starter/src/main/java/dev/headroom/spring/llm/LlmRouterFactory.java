package dev.headroom.spring.llm;

import dev.headroom.core.Checks;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.time.Ticker;
import dev.headroom.llm.CloudConfig;
import dev.headroom.llm.Deployment;
import dev.headroom.llm.InMemoryResponseCache;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.ModelGroup;
import dev.headroom.llm.ModelPrice;
import dev.headroom.llm.OllamaNode;
import dev.headroom.llm.Provider;
import dev.headroom.llm.ResponseCache;
import dev.headroom.llm.SpendLimit;
import dev.headroom.llm.VramPolicy;
import dev.headroom.spring.PropertyErrors;
import dev.headroom.spring.discovery.HeadroomDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Maps {@code headroom.llm.*} onto an {@link LlmRouter}, naming every rejected value by its property. */
final class LlmRouterFactory {
  static final String AT = "headroom.llm";

  private LlmRouterFactory() {}

  static LlmRouter.Builder builder(HeadroomLlmProperties p, Optional<MeterRegistry> registry,
      Optional<ResponseCache> cacheBean, Optional<FleetCoordinator> fleet) {
    if (p.name() == null || p.name().isBlank()) {
      throw PropertyErrors.invalid(AT + ".name", "'" + p.name() + "'", "must be non-empty");
    }
    HeadroomDiscovery.check(AT + ".discovery", p.discovery());
    LlmRouter.Builder b = LlmRouter.builder().name(p.name());
    if (p.nodes().isEmpty()) {
      if (!p.discovery().configured()) {
        throw PropertyErrors.invalid(AT + ".nodes", "[]", "must list at least one Ollama node (or set a discovery"
            + " source)");
      }
      b.startEmpty();
    }
    if (p.slowStart() != null) {
      PropertyErrors.as(AT + ".slow-start", () -> b.slowStart(p.slowStart()));
    }
    if (p.vram() != null) {
      b.vram(vram(AT + ".vram", p.vram()));
    }
    Map<String, String> ids = new HashMap<>();
    for (int i = 0; i < p.nodes().size(); i++) {
      b.node(node(AT + ".nodes[" + i + "]", p.nodes().get(i), ids));
    }
    for (int i = 0; i < p.remoteNodes().size(); i++) {
      b.remoteNode(node(AT + ".remote-nodes[" + i + "]", p.remoteNodes().get(i), ids));
    }
    if (p.cloud() != null) {
      b.cloud(cloud(AT + ".cloud", p.cloud()));
    }
    groups(p, b);
    for (int i = 0; i < p.aliases().size(); i++) {
      HeadroomLlmProperties.Alias a = p.aliases().get(i);
      String at = AT + ".aliases[" + i + "]";
      b.alias(required(at + ".alias", a.alias()), required(at + ".model", a.model()));
    }
    if (p.healthCheckInterval() == null || p.healthCheckInterval().isNegative()) {
      throw PropertyErrors.invalid(AT + ".health-check-interval", p.healthCheckInterval(), "must be >= 0 (0: off)");
    } else if (p.healthCheckInterval().isZero()) {
      b.noHealthCheck();
    } else {
      b.healthCheckInterval(p.healthCheckInterval());
    }
    Optional<ResponseCache> cache = cacheBean.isPresent() ? cacheBean
        : Optional.ofNullable(p.responseCache().maxEntries()).map(max ->
            PropertyErrors.at(AT + ".response-cache", () -> InMemoryResponseCache.create(max)));
    cache.ifPresent(b::responseCache);
    // the builder's path is cacheTtl; the property is response-cache.ttl
    Checks.plain().positive(AT + ".response-cache.ttl", p.responseCache().ttl());
    b.localWaitBudget(p.localWaitBudget())
        .remoteWaitBudget(p.remoteWaitBudget())
        .cloudWaitBudget(p.cloudWaitBudget())
        .firstTokenTimeout(p.firstTokenTimeout())
        .idleTimeout(p.idleTimeout())
        .requestTimeout(p.requestTimeout())
        .connectTimeout(p.connectTimeout())
        .pollInterval(p.pollInterval())
        .pollTimeout(p.pollTimeout())
        .cacheTtl(p.responseCache().ttl())
        .maxBodyBytes(p.maxBodyBytes().toBytes())
        .maxLineBytes((int) Math.min(Integer.MAX_VALUE, p.maxLineBytes().toBytes()))
        .expectedTokens(p.expectedTokens())
        .loadedPreference(p.loadedPreference())
        .defaultColdLoad(p.defaultColdLoad())
        .keepAlive(p.keepAlive())
        .maxAttempts(p.maxAttempts())
        .maxWaiters(p.maxWaiters())
        .discoverOnBuild(p.discoverOnBuild())
        .retryBudget(p.retryBudget().toCore(AT + ".retry-budget", Ticker.system()))
        .outlierDetection(p.outlierDetection().toCore(AT + ".outlier-detection"))
        .strictNodeCaps(p.strictNodeCaps());
    registry.ifPresent(b::meterRegistry);
    fleet.ifPresent(b::coordinator);
    return b;
  }

  static LlmRouter build(LlmRouter.Builder builder) {
    return PropertyErrors.at(AT, builder::build);
  }

  private static OllamaNode node(String at, HeadroomLlmProperties.Node n, Map<String, String> ids) {
    if (n.id() == null || n.id().isBlank()) {
      throw PropertyErrors.invalid(at + ".id", n.id() == null ? "(missing)" : "'" + n.id() + "'", "must be set");
    }
    if (n.id().equals(LlmRouter.CLOUD)) {
      throw PropertyErrors.invalid(at + ".id", n.id(), "must not be 'cloud' (the cloud endpoint's id)");
    }
    String first = ids.putIfAbsent(n.id(), at);
    if (first != null) {
      throw PropertyErrors.invalid(at + ".id", n.id(), "must be unique across the router's nodes (" + first
          + " has it)");
    }
    if (n.uri() == null) {
      throw PropertyErrors.invalid(at + ".uri", "(missing)", "must be set");
    }
    return PropertyErrors.at(at, () -> new OllamaNode(n.id(), n.uri(), n.numParallel(), n.weight(),
        n.maxLoadedModels()));
  }

  private static CloudConfig cloud(String at, HeadroomLlmProperties.Cloud c) {
    if (c.uri() == null) {
      throw PropertyErrors.invalid(at + ".uri", "(missing)", "must be set when headroom.llm.cloud is configured");
    }
    CloudConfig.Builder b = CloudConfig.builder(c.uri());
    if (c.apiKey() != null) {
      PropertyErrors.at(at, () -> b.apiKey(c.apiKey())); // a blank key is named; the key itself never is
    }
    b.maxConcurrency(c.maxConcurrency()).assumedAnswerTokens(c.assumedAnswerTokens());
    Set<String> cloudModels = new HashSet<>();
    for (int i = 0; i < c.models().size(); i++) {
      HeadroomLlmProperties.ModelMapping m = c.models().get(i);
      String mat = at + ".models[" + i + "]";
      b.model(required(mat + ".local", m.local()), required(mat + ".cloud", m.cloud()));
      cloudModels.add(m.cloud());
    }
    Set<String> priced = new HashSet<>();
    for (int i = 0; i < c.prices().size(); i++) {
      HeadroomLlmProperties.Price price = c.prices().get(i);
      String pat = at + ".prices[" + i + "]";
      String model = required(pat + ".model", price.model());
      b.price(model, PropertyErrors.at(pat, () -> new ModelPrice(price.inputPerMillion(), price.outputPerMillion())));
      priced.add(model);
    }
    SpendLimit spend = spendLimit(at + ".spend-limit", c.spendLimit());
    if (spend.limitsCost()) {
      List<String> unpriced = cloudModels.stream().filter(m -> !priced.contains(m)).sorted().toList();
      if (!unpriced.isEmpty()) {
        throw PropertyErrors.invalid(at + ".prices", "no price for " + unpriced,
            "must price every cloud model of " + at + ".models when " + at
                + ".spend-limit.max-cost-per-minute is set");
      }
    }
    b.spendLimit(spend);
    return PropertyErrors.at(at, b::build);
  }

  /**
   * The model groups: each deployment names a provider of {@code headroom.llm.providers}, or none for the fleet; two
   * groups' deployments with the same settings are one deployment (one pool, one set of limits).
   */
  private static void groups(HeadroomLlmProperties p, LlmRouter.Builder b) {
    Map<String, Provider> providers = new HashMap<>();
    p.providers().forEach((name, provider) -> providers.put(name, provider(AT + ".providers." + name, name,
        provider)));
    Map<HeadroomLlmProperties.Deployment, Deployment> made = new HashMap<>();
    p.modelGroups().forEach((name, group) -> {
      String at = AT + ".model-groups." + name;
      ModelGroup.Builder g = ModelGroup.builder(name).assumedAnswerTokens(group.assumedAnswerTokens())
          .spendLimit(spendLimit(at + ".spend-limit", group.spendLimit()));
      for (int i = 0; i < group.deployments().size(); i++) {
        HeadroomLlmProperties.Deployment d = group.deployments().get(i);
        String dat = at + ".deployments[" + i + "]";
        Deployment deployment = made.get(d);
        if (deployment == null) {
          deployment = deployment(dat, d, providers);
          made.put(d, deployment);
        }
        g.deployment(deployment);
      }
      b.modelGroup(PropertyErrors.at(at, g::build));
    });
  }

  private static Provider provider(String at, String name, HeadroomLlmProperties.Provider p) {
    if (p.uri() == null) {
      throw PropertyErrors.invalid(at + ".uri", "(missing)", "must be set");
    }
    Provider.Builder b = Provider.builder(name, p.uri()).apiKeyHeader(p.apiKeyHeader());
    if (p.apiKey() != null) {
      PropertyErrors.at(at, () -> b.apiKey(p.apiKey())); // a blank key is named; the key itself never is
    }
    return PropertyErrors.at(at, b::build);
  }

  private static Deployment deployment(String at, HeadroomLlmProperties.Deployment d,
      Map<String, Provider> providers) {
    String model = required(at + ".model", d.model());
    if (d.provider() == null) {
      return PropertyErrors.at(at, () -> Deployment.ollama(model).contextWindow(d.contextWindow()).build());
    }
    Provider provider = providers.get(d.provider());
    if (provider == null) {
      throw PropertyErrors.invalid(at + ".provider", d.provider(), "must be one of headroom.llm.providers "
          + new java.util.TreeSet<>(providers.keySet()));
    }
    Deployment.Builder b = Deployment.on(provider, model).maxConcurrency(d.maxConcurrency())
        .contextWindow(d.contextWindow()).cooldownAfter(d.cooldownFailures(), d.cooldown());
    if (d.id() != null) {
      b.id(d.id());
    }
    if (d.requestsPerMinute() != null) {
      b.requestsPerMinute(d.requestsPerMinute());
    }
    if (d.tokensPerMinute() != null) {
      b.tokensPerMinute(d.tokensPerMinute());
    }
    if (d.inputPerMillion() != null || d.outputPerMillion() != null) {
      b.price(PropertyErrors.at(at, () -> new ModelPrice(d.inputPerMillion() == null ? 0 : d.inputPerMillion(),
          d.outputPerMillion() == null ? 0 : d.outputPerMillion())));
    }
    return PropertyErrors.at(at, b::build);
  }

  private static SpendLimit spendLimit(String at, HeadroomLlmProperties.CloudSpendLimit limit) {
    return PropertyErrors.at(at, () -> new SpendLimit(
        limit.maxRequestsPerMinute() == null ? Integer.MAX_VALUE : limit.maxRequestsPerMinute(),
        limit.maxCostPerMinute() == null ? Double.POSITIVE_INFINITY : limit.maxCostPerMinute()));
  }

  private static String required(String property, String value) {
    if (value == null || value.isBlank()) {
      throw PropertyErrors.invalid(property, value == null ? "(missing)" : "'" + value + "'", "must be set");
    }
    return value;
  }

  /** The pools of {@code router} by name, for the {@code headroom} health component and the drain. */
  static Map<String, dev.headroom.core.Pool> pools(LlmRouter router, Map<String, dev.headroom.core.Pool> into) {
    router.pools().forEach(pool -> into.put(pool.name(), pool));
    return into;
  }

  private static VramPolicy vram(String at, HeadroomLlmProperties.Vram v) {
    VramPolicy.Builder b = VramPolicy.builder();
    if (v.capacity() != null) {
      PropertyErrors.as(at + ".capacity", () -> b.capacity(v.capacity().toBytes()));
    }
    v.capacities().forEach((node, size) ->
        PropertyErrors.as(at + ".capacities." + node, () -> b.capacity(node, size.toBytes())));
    if (v.capacity() == null && v.capacities().isEmpty()) {
      throw PropertyErrors.invalid(at + ".capacity", "(unset)", "must be set (or capacities.<node>) to manage VRAM");
    }
    b.warningLevel(v.warningLevel()).criticalLevel(v.criticalLevel());
    if (!v.unload()) {
      b.noUnloads();
    }
    return PropertyErrors.at(at, b::build);
  }
}
