package dev.headroom.llm;

import dev.headroom.core.Endpoint;
import dev.headroom.core.HealthCheck;
import dev.headroom.core.HealthProbe;
import dev.headroom.core.Lease;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.route.RetryBudget;
import dev.headroom.core.route.Router;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tiers of an {@link LlmRouter} and the core {@link Router}s over them: builds the local Ollama pool, the optional
 * second pool and the optional cloud pool from the router's settings, the default router with the configured wait
 * budgets, a router per {@link ModelGroup} (its Ollama deployment's tiers and its provider deployments' pools, in the
 * group's order), and one per distinct {@link ChatRequest#maxQueueWait()} (a bounded number of them are cached).
 */
final class LlmTiers {
  private static final int MAX_CACHED_ROUTERS = 64;

  final Pool local;
  final Pool remote;
  final Pool cloud;
  private final String name;
  private final Ticker ticker;
  private final Duration cloudWaitBudget;
  private final int maxAttempts;
  private final MeterRegistry meterRegistry;
  private final ObservationRegistry observationRegistry;
  private final RetryBudget retryBudget;
  private final Router router;
  private final Deployments deployments;
  private final Map<String, Router> groupRouters = new ConcurrentHashMap<>();
  private final Map<RouterKey, Router> budgetRouters = new ConcurrentHashMap<>();

  /** A cached router: for a group (null: the router's own tiers) with a wait budget. */
  private record RouterKey(String group, Duration budget) {}

  LlmTiers(LlmRouterSettings s, LlmCost cost, HttpClient http, Deployments deployments) {
    this.deployments = deployments;
    this.name = s.name();
    this.ticker = s.ticker();
    this.cloudWaitBudget = s.cloudWaitBudget();
    this.maxAttempts = s.maxAttempts();
    this.meterRegistry = s.meterRegistry();
    this.observationRegistry = s.observationRegistry();
    this.local = Pool.create(ollamaPool(s, s.name() + "-local", LlmRouter.LOCAL, s.nodes(), cost, http));
    this.remote = s.remoteNodes().isEmpty() ? null
        : Pool.create(ollamaPool(s, s.name() + "-remote", LlmRouter.REMOTE, s.remoteNodes(), cost, http));
    this.cloud = s.cloud() == null ? null : Pool.create(cloudPool(s, s.name() + "-cloud", s.cloud()));
    this.retryBudget = s.retryBudget() != null ? s.retryBudget() : RetryBudget.defaults(ticker);
    this.router = buildRouter(null, s.localWaitBudget(), s.remoteWaitBudget());
    for (ModelGroup group : s.modelGroups()) {
      groupRouters.put(group.name(), buildRouter(group, s.localWaitBudget(), s.remoteWaitBudget()));
    }
  }

  /** Every pool: the Ollama pools, the cloud's, then the model groups' deployments'. */
  List<Pool> pools() {
    List<Pool> pools = ollamaPools();
    if (cloud != null) {
      pools.add(cloud);
    }
    pools.addAll(deployments.pools());
    return pools;
  }

  /** The Ollama pools: the local one and the second one. */
  List<Pool> ollamaPools() {
    List<Pool> pools = new ArrayList<>(2);
    pools.add(local);
    if (remote != null) {
      pools.add(remote);
    }
    return pools;
  }

  /** The tier name of one of the pools. */
  String tierOf(Pool pool) {
    return tierOf(pool.name());
  }

  /** The tier of the pool {@code lease} came from. */
  String tierOf(Lease lease) {
    return tierOf(lease.pool());
  }

  private String tierOf(String pool) {
    if (cloud != null && pool.equals(cloud.name())) {
      return LlmRouter.CLOUD;
    }
    Deployments.Running deployment = deployments.byPool(pool);
    if (deployment != null) {
      return deployment.deployment().id();
    }
    return remote != null && pool.equals(remote.name()) ? LlmRouter.REMOTE : LlmRouter.LOCAL;
  }

  /**
   * Where an attempt on {@code lease} for {@code target} goes when it is a cloud call: the router's cloud tier
   * ({@code cloudTier}), or a provider deployment of the request's group; null for an Ollama node.
   */
  CloudRoute cloudRoute(Lease lease, ModelTarget target, CloudRoute cloudTier) {
    String pool = lease.pool();
    if (cloud != null && pool.equals(cloud.name())) {
      return cloudTier;
    }
    Deployments.Running deployment = deployments.byPool(pool);
    return deployment == null ? null : deployments.route(deployment, target.group());
  }

  /** The Ollama nodes of the local and the second pool. */
  List<Endpoint> ollamaEndpoints() {
    List<Endpoint> all = new ArrayList<>(local.config().endpoints());
    if (remote != null) {
      all.addAll(remote.config().endpoints());
    }
    return all;
  }

  /** The Ollama pool (local or second) that has a member with this id, or null. */
  Pool ollamaPoolOf(String id) {
    if (local.endpoint(id).isPresent()) {
      return local;
    }
    return remote != null && remote.endpoint(id).isPresent() ? remote : null;
  }

  /** The pool endpoint of an Ollama node. */
  static Endpoint endpoint(OllamaNode node) {
    return Endpoint.builder(node.id()).uri(node.uri()).maxConcurrency(node.numParallel())
        .weight(node.weight()).label("kind", "ollama").build();
  }

  /**
   * The router for a request for {@code target}: its group's or the router's own tiers, with the default wait budgets
   * or with the request's own for the Ollama tiers.
   */
  Router routerFor(ModelTarget target, Optional<Duration> maxQueueWait) {
    ModelGroup group = target.group();
    if (maxQueueWait.isEmpty()) {
      return group == null ? router : groupRouters.get(group.name());
    }
    RouterKey key = new RouterKey(group == null ? null : group.name(), maxQueueWait.get());
    Router cached = budgetRouters.get(key);
    if (cached != null) {
      return cached;
    }
    Router made = buildRouter(group, key.budget(), key.budget());
    if (budgetRouters.size() < MAX_CACHED_ROUTERS) {
      budgetRouters.putIfAbsent(key, made);
    }
    return made;
  }

  /** A router over the router's own tiers ({@code group} null), or over a group's deployments in its order. */
  private Router buildRouter(ModelGroup group, Duration localBudget, Duration remoteBudget) {
    Router.Builder rb = Router.builder(group == null ? name : name + "-" + group.name());
    if (group == null) {
      ollamaTiers(rb, localBudget, remoteBudget);
      if (cloud != null) {
        rb.tier(LlmRouter.CLOUD, cloud, cloudWaitBudget);
      }
    } else {
      for (Deployment d : group.deployments()) {
        if (d.isOllama()) {
          ollamaTiers(rb, localBudget, remoteBudget);
        } else {
          rb.tier(d.id(), deployments.pool(d), cloudWaitBudget);
        }
      }
    }
    rb.retryBudget(retryBudget).maxAttempts(maxAttempts).classifier(new LlmClassifier()).ticker(ticker)
        .observationRegistry(observationRegistry);
    if (meterRegistry != null) {
      rb.meterRegistry(meterRegistry);
    }
    return rb.build();
  }

  private void ollamaTiers(Router.Builder rb, Duration localBudget, Duration remoteBudget) {
    rb.tier(LlmRouter.LOCAL, local, localBudget);
    if (remote != null) {
      rb.tier(LlmRouter.REMOTE, remote, remoteBudget);
    }
  }

  private static PoolConfig ollamaPool(LlmRouterSettings s, String poolName, String tier, List<OllamaNode> nodes,
      LlmCost cost, HttpClient http) {
    PoolConfig.Builder pb = PoolConfig.builder(poolName).tier(tier)
        .picker(Pickers.powerOfTwoChoices(cost, s.random()))
        .ticker(s.ticker()).scheduler(s.scheduler()).random(s.random())
        .maxWaiters(s.maxWaiters())
        .outlierDetection(s.outlierDetection())
        .coordinator(s.coordinator()).strictCaps(s.strictNodeCaps());
    if (s.slowStart() != null) {
      pb.slowStart(s.slowStart());
    }
    if (nodes.isEmpty()) {
      pb.startEmpty(); // the members come at run time (LlmRouter.Builder.startEmpty)
    }
    for (OllamaNode node : nodes) {
      pb.endpoint(endpoint(node));
    }
    if (s.healthChecks()) {
      pb.healthCheck(HealthCheck.builder(HealthProbe.httpGet(http, "/api/version", s.pollTimeout()))
          .interval(s.healthCheckInterval()).timeout(s.pollTimeout()).build());
    }
    if (s.meterRegistry() != null) {
      pb.meterRegistry(s.meterRegistry());
    }
    return pb.build();
  }

  private static PoolConfig cloudPool(LlmRouterSettings config, String poolName, CloudConfig c) {
    PoolConfig.Builder pb = PoolConfig.builder(poolName).tier(LlmRouter.CLOUD)
        .endpoint(Endpoint.builder(LlmRouter.CLOUD).uri(c.uri()).maxConcurrency(c.maxConcurrency())
            .label("kind", "cloud").build())
        .ticker(config.ticker()).scheduler(config.scheduler()).random(config.random())
        .maxWaiters(config.maxWaiters())
        .outlierDetection(OutlierDetection.disabled()); // a single endpoint: nothing to eject it in favour of
    if (config.meterRegistry() != null) {
      pb.meterRegistry(config.meterRegistry());
    }
    return pb.build();
  }
}
