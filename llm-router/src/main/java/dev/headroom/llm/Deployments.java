package dev.headroom.llm;

import dev.headroom.core.Endpoint;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.fleet.RateLimiter;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running side of the router's {@link ModelGroup}s: a pool of one endpoint per provider deployment (its
 * concurrency, its cooldowns), a wire client per provider (its key), a {@link Pacer} per deployment with limits, and
 * a spend guard per group; and the {@link CloudRoute} of an attempt on a deployment's lease for a group's request.
 * A deployment used by two groups is one pool with one set of limits; each group counts its own spend.
 */
final class Deployments {
  private final Map<String, ModelGroup> groups = new LinkedHashMap<>();
  private final Map<String, Running> byPool = new LinkedHashMap<>();
  private final Map<String, Running> byId = new LinkedHashMap<>();
  private final Map<String, CloudSpend> spends = new LinkedHashMap<>();

  /** A provider deployment at run time. */
  record Running(Deployment deployment, Pool pool, WireOpenAi wire, Pacer pacer) {}

  Deployments(LlmRouterSettings s, HttpClient http, LlmMetrics metrics) {
    Map<String, WireOpenAi> wires = new LinkedHashMap<>();
    for (ModelGroup group : s.modelGroups()) {
      groups.put(group.name(), group);
      Map<String, ModelPrice> prices = new LinkedHashMap<>();
      for (Deployment d : group.deployments()) {
        if (d.isOllama()) {
          continue;
        }
        d.price().ifPresent(p -> prices.put(d.id(), p));
        if (byId.containsKey(d.id())) {
          continue; // the same deployment in another group (checked to be the same by the settings)
        }
        Provider provider = d.provider().orElseThrow();
        WireOpenAi wire = wires.computeIfAbsent(provider.name(), name -> new WireOpenAi(new WireExchange(http,
            s.maxBodyBytes(), s.maxLineBytes(), text -> provider.apiKey().map(k -> k.redact(text)).orElse(text)),
            provider.apiKey(), provider.apiKeyHeader()));
        Pool pool = Pool.create(pool(s, d));
        Running running = new Running(d, pool, wire, pacer(s, d));
        byId.put(d.id(), running);
        byPool.put(pool.name(), running);
      }
      spends.put(group.name(), new CloudSpend(spendGuard(s, group, prices), metrics));
    }
  }

  /** The group named {@code name}, or null. */
  ModelGroup group(String name) {
    return groups.get(name);
  }

  /** The pool of a provider deployment. */
  Pool pool(Deployment deployment) {
    return byId.get(deployment.id()).pool();
  }

  /** Every deployment pool. */
  List<Pool> pools() {
    List<Pool> pools = new ArrayList<>();
    byId.values().forEach(r -> pools.add(r.pool()));
    return pools;
  }

  /** The deployment whose pool is named {@code pool}, or null. */
  Running byPool(String pool) {
    return byPool.get(pool);
  }

  /** The route of an attempt on {@code running}'s lease for a request of {@code group}. */
  CloudRoute route(Running running, ModelGroup group) {
    String id = running.deployment().id();
    return new CloudRoute(id, running.wire(), running.deployment().model(), spends.get(group.name()), id,
        running.pacer());
  }

  private static PoolConfig pool(LlmRouterSettings s, Deployment d) {
    PoolConfig.Builder pb = PoolConfig.builder(s.name() + "-" + d.id().replace('/', '-')).tier(d.id())
        .endpoint(Endpoint.builder(d.id()).uri(d.provider().orElseThrow().uri()).maxConcurrency(d.maxConcurrency())
            .label("kind", "cloud").build())
        .ticker(s.ticker()).scheduler(s.scheduler()).random(s.random())
        .maxWaiters(s.maxWaiters())
        .coordinator(s.coordinator()).strictCaps(s.strictNodeCaps())
        // the cooldown: a run of failures takes the deployment out for a while, the group's next one serves
        .outlierDetection(OutlierDetection.builder().consecutiveFailures(d.cooldownFailures())
            .failureRateMinRequests(0).baseEjectionTime(d.cooldown()).maxEjectionTime(d.cooldown().multipliedBy(10))
            .maxEjectionShare(1).build());
    if (s.meterRegistry() != null) {
      pb.meterRegistry(s.meterRegistry());
    }
    return pb.build();
  }

  /** The deployment's pacing, on buckets of the fleet coordinator (shared by every replica); null without limits. */
  private static Pacer pacer(LlmRouterSettings s, Deployment d) {
    if (d.requestLimit() == 0 && d.tokenLimit() == 0) {
      return null;
    }
    FleetCoordinator fleet = s.coordinator();
    RateLimiter requests = d.requestLimit() == 0 ? null
        : fleet.rateLimit(s.name() + ":" + d.id() + ":requests", d.requestLimit(), d.requestsPer());
    RateLimiter tokens = d.tokenLimit() == 0 ? null
        : fleet.rateLimit(s.name() + ":" + d.id() + ":tokens", d.tokenLimit(), d.tokensPer());
    return new Pacer(d.id(), requests, tokens, s.scheduler(), s.ticker());
  }

  /** The group's spend guard: in this process, or in a window every replica shares, named after router and group. */
  private static SpendGuard spendGuard(LlmRouterSettings s, ModelGroup group, Map<String, ModelPrice> prices) {
    if (s.coordinator() == FleetCoordinator.local() || group.spendLimit().equals(SpendLimit.unlimited())) {
      return new SpendGuard(group.spendLimit(), prices, group.assumedAnswerTokens(), s.ticker());
    }
    return new SpendGuard(group.spendLimit(), prices, group.assumedAnswerTokens(), s.coordinator().window(
        s.name() + ":group:" + group.name() + ":spend", SpendGuard.WINDOW, SpendGuard.SLICES));
  }
}
