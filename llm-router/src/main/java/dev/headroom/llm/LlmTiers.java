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
 * budgets, and a router per distinct {@link ChatRequest#maxQueueWait()} (a bounded number of them are cached).
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
  private final Map<Duration, Router> budgetRouters = new ConcurrentHashMap<>();

  LlmTiers(LlmRouterSettings s, LlmCost cost, HttpClient http) {
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
    this.router = buildRouter(s.localWaitBudget(), s.remoteWaitBudget());
  }

  /** Every pool, in tier order. */
  List<Pool> pools() {
    List<Pool> pools = new ArrayList<>(3);
    pools.add(local);
    if (remote != null) {
      pools.add(remote);
    }
    if (cloud != null) {
      pools.add(cloud);
    }
    return pools;
  }

  /** The tier name of one of the pools. */
  String tierOf(Pool pool) {
    return pool == cloud ? LlmRouter.CLOUD : pool == remote ? LlmRouter.REMOTE : LlmRouter.LOCAL;
  }

  /** The tier of the pool {@code lease} came from. */
  String tierOf(Lease lease) {
    String pool = lease.pool();
    if (cloud != null && pool.equals(cloud.name())) {
      return LlmRouter.CLOUD;
    }
    return remote != null && pool.equals(remote.name()) ? LlmRouter.REMOTE : LlmRouter.LOCAL;
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

  /** The router for a request: the default one, or one whose Ollama tiers have the request's own wait budget. */
  Router routerFor(Optional<Duration> maxQueueWait) {
    if (maxQueueWait.isEmpty()) {
      return router;
    }
    Duration budget = maxQueueWait.get();
    Router cached = budgetRouters.get(budget);
    if (cached != null) {
      return cached;
    }
    Router made = buildRouter(budget, budget);
    if (budgetRouters.size() < MAX_CACHED_ROUTERS) {
      budgetRouters.putIfAbsent(budget, made);
    }
    return made;
  }

  private Router buildRouter(Duration localBudget, Duration remoteBudget) {
    Router.Builder rb = Router.builder(name).tier(LlmRouter.LOCAL, local, localBudget);
    if (remote != null) {
      rb.tier(LlmRouter.REMOTE, remote, remoteBudget);
    }
    if (cloud != null) {
      rb.tier(LlmRouter.CLOUD, cloud, cloudWaitBudget);
    }
    rb.retryBudget(retryBudget).maxAttempts(maxAttempts).classifier(new LlmClassifier()).ticker(ticker)
        .observationRegistry(observationRegistry);
    if (meterRegistry != null) {
      rb.meterRegistry(meterRegistry);
    }
    return rb.build();
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
