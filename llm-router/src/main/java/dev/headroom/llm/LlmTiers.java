package dev.headroom.llm;

import dev.headroom.core.Endpoint;
import dev.headroom.core.HealthCheck;
import dev.headroom.core.HealthProbe;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.route.RetryBudget;
import dev.headroom.core.route.Router;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
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
  // copied from the builder at construction, so that changing the builder after build() changes nothing here
  private final Duration cloudWaitBudget;
  private final int maxAttempts;
  private final MeterRegistry meterRegistry;
  private final RetryBudget retryBudget;
  private final Router router;
  private final Map<Duration, Router> budgetRouters = new ConcurrentHashMap<>();

  LlmTiers(LlmRouter.Builder b, LlmCost cost, HttpClient http) {
    this.name = b.name;
    this.ticker = b.ticker;
    this.cloudWaitBudget = b.cloudWaitBudget;
    this.maxAttempts = b.maxAttempts;
    this.meterRegistry = b.meterRegistry;
    this.local = Pool.create(ollamaPool(b, b.name + "-local", LlmRouter.LOCAL, b.nodes, cost, http));
    this.remote = b.remoteNodes.isEmpty() ? null
        : Pool.create(ollamaPool(b, b.name + "-remote", LlmRouter.REMOTE, b.remoteNodes, cost, http));
    this.cloud = b.cloud == null ? null : Pool.create(cloudPool(b, b.name + "-cloud", b.cloud));
    this.retryBudget = b.retryBudget != null ? b.retryBudget : RetryBudget.defaults(ticker);
    this.router = buildRouter(b.localWaitBudget, b.remoteWaitBudget);
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

  /** The Ollama nodes of the local and the second pool. */
  List<Endpoint> ollamaEndpoints() {
    List<Endpoint> all = new ArrayList<>(local.config().endpoints());
    if (remote != null) {
      all.addAll(remote.config().endpoints());
    }
    return all;
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
    rb.retryBudget(retryBudget).maxAttempts(maxAttempts).classifier(new LlmClassifier()).ticker(ticker);
    if (meterRegistry != null) {
      rb.meterRegistry(meterRegistry);
    }
    return rb.build();
  }

  private static PoolConfig ollamaPool(LlmRouter.Builder b, String poolName, String tier, List<OllamaNode> nodes,
      LlmCost cost, HttpClient http) {
    PoolConfig.Builder pb = PoolConfig.builder(poolName).tier(tier)
        .picker(Pickers.powerOfTwoChoices(cost, b.random))
        .ticker(b.ticker).scheduler(b.scheduler).random(b.random)
        .maxWaiters(b.maxWaiters)
        .outlierDetection(b.outlierDetection);
    for (OllamaNode node : nodes) {
      pb.endpoint(Endpoint.builder(node.id()).uri(node.uri()).maxConcurrency(node.numParallel())
          .weight(node.weight()).label("kind", "ollama").build());
    }
    if (b.healthCheckInterval != null) {
      pb.healthCheck(HealthCheck.builder(HealthProbe.httpGet(http, "/api/version", b.pollTimeout))
          .interval(b.healthCheckInterval).timeout(b.pollTimeout).build());
    }
    if (b.meterRegistry != null) {
      pb.meterRegistry(b.meterRegistry);
    }
    return pb.build();
  }

  private static PoolConfig cloudPool(LlmRouter.Builder config, String poolName, CloudConfig c) {
    PoolConfig.Builder pb = PoolConfig.builder(poolName).tier(LlmRouter.CLOUD)
        .endpoint(Endpoint.builder(LlmRouter.CLOUD).uri(c.uri()).maxConcurrency(c.maxConcurrency())
            .label("kind", "cloud").build())
        .ticker(config.ticker).scheduler(config.scheduler).random(config.random)
        .maxWaiters(config.maxWaiters)
        .outlierDetection(OutlierDetection.disabled()); // a single endpoint: nothing to eject it in favour of
    if (config.meterRegistry != null) {
      pb.meterRegistry(config.meterRegistry);
    }
    return pb.build();
  }
}
