package dev.headroom.llm;

import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.Endpoint;
import dev.headroom.core.EndpointState;
import dev.headroom.core.Pool;
import dev.headroom.core.time.Ticker;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running parts of an {@link LlmRouter}, wired from its {@link LlmRouterSettings}: the worker threads, the
 * {@link LlmTiers tiers}, the model catalog and node statistics, the spend guard, the wire clients, the
 * {@link RequestRunner} with its steps and the {@link FleetPoller}; reports the fleet's state and shuts everything
 * down.
 */
final class LlmRouterParts implements AutoCloseable {
  final ExecutorService workers;
  final LlmTiers tiers;
  final SpendGuard guard;
  final RequestRunner requests;
  final LlmMembers members;
  /** Every exchange in progress, cut by {@link LlmRouter#close()}. */
  private final InFlight inFlight;
  private final Catalog catalog;
  private final NodeStats stats;
  private final FleetPoller poller;
  private final VramGuard vram; // null without a VRAM policy
  private final String name;
  private final Ticker ticker;
  private final CloudConfig cloud; // null without a cloud tier

  LlmRouterParts(LlmRouterSettings s) {
    this.name = s.name();
    this.ticker = s.ticker();
    this.inFlight = new InFlight(ticker);
    this.cloud = s.cloud();
    this.workers = Executors.newCachedThreadPool(daemonThreads("headroom-llm-" + s.name()));
    HttpClient http = s.httpClient() != null ? s.httpClient() : HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(s.connectTimeout()).build();
    this.catalog = new Catalog(s.defaultColdLoad().toNanos(), s.keepAlive().toNanos());
    this.stats = new NodeStats();
    LlmCost cost = new LlmCost(stats, s.expectedTokens());
    LlmMetrics metrics = new LlmMetrics(s.meterRegistry());
    Deployments deployments = new Deployments(s, http, metrics);
    this.tiers = new LlmTiers(s, cost, http, deployments);
    CloudConfig c = s.cloud();
    this.guard = spendGuard(s, ticker);
    WireOllama ollama = new WireOllama(new WireExchange(http, s.maxBodyBytes(), s.maxLineBytes(), text -> text),
        s.scheduler());
    CloudRoute cloudTier = c == null ? null : new CloudRoute(LlmRouter.CLOUD, new WireOpenAi(new WireExchange(http,
        s.maxBodyBytes(), s.maxLineBytes(), text -> c.apiKey().map(k -> k.redact(text)).orElse(text)), c.apiKey()),
        null, new CloudSpend(guard, metrics), null, null);
    CatalogFeedback feedback = new CatalogFeedback(catalog, stats, metrics, ticker);
    List<Endpoint> all = tiers.ollamaEndpoints();
    Affinity affinity = s.affinity() == null ? null : new Affinity(s.affinity(),
        () -> tiers.ollamaPools().stream().map(Pool::endpoints).toList(), stats, ticker);
    this.requests = new RequestRunner(s, new ModelResolver(s, catalog, cost, affinity, deployments),
        new ResponseCacheStep(s.responseCache(), s.cacheTtl(), metrics),
        new Attempts(tiers, ollama, cloudTier, feedback, inFlight, s.cloudWaitBudget()),
        new StreamAttempts(tiers, ollama, cloudTier, s.cloudWaitBudget(), feedback, inFlight, s.scheduler(), ticker,
            s.firstTokenTimeout()),
        tiers, inFlight, metrics);
    s.nodes().forEach(n -> catalog.register(n.id(), n.maxLoadedModels()));
    s.remoteNodes().forEach(n -> catalog.register(n.id(), n.maxLoadedModels()));
    this.vram = s.vram() == null ? null
        : new VramGuard(s.vram(), catalog, inFlight, ollama, s.pollTimeout(), s.meterRegistry());
    this.poller = new FleetPoller(all, ollama, catalog, s.scheduler(), ticker, workers, s.pollInterval(),
        s.pollTimeout(), vram, metrics);
    if (s.discoverOnBuild()) {
      poller.refreshNow(s.pollTimeout().plus(s.pollTimeout()));
    }
    poller.start();
    this.members = new LlmMembers(s, tiers, catalog, stats, poller, inFlight);
  }

  /**
   * The cloud spend guard: counted in this process, or, with a fleet coordinator, in a window every replica shares
   * (named after the router, so replicas of one service share one budget).
   */
  private static SpendGuard spendGuard(LlmRouterSettings s, Ticker ticker) {
    CloudConfig c = s.cloud();
    if (c == null) {
      return new SpendGuard(SpendLimit.unlimited(), Map.of(), 512, ticker);
    }
    if (s.coordinator() == FleetCoordinator.local() || c.spendLimit().equals(SpendLimit.unlimited())) {
      return new SpendGuard(c.spendLimit(), c.prices(), c.assumedAnswerTokens(), ticker);
    }
    return new SpendGuard(c.spendLimit(), c.prices(), c.assumedAnswerTokens(),
        s.coordinator().window(s.name() + ":cloud-spend", SpendGuard.WINDOW, SpendGuard.SLICES));
  }

  /** Reads every node's models now, waiting at most {@code wait}. */
  void refreshFleet(Duration wait) {
    poller.refreshNow(wait);
  }

  /** The state of every endpoint of every tier. */
  List<NodeStatus> fleet() {
    long now = ticker.read();
    List<NodeStatus> all = new ArrayList<>();
    for (Pool pool : tiers.pools()) {
      String tier = tiers.tierOf(pool);
      for (EndpointState s : pool.endpoints()) {
        double ttft = stats.ttftNanos(s.id());
        all.add(new NodeStatus(s.id(), tier, s.inFlight(), s.limit(), s.health(now), catalog.available(s.id()),
            catalog.loaded(s.id(), now), Duration.ofNanos((long) Math.max(0, ttft)),
            Math.max(0, stats.tokensPerSecond(s.id())), s.isDraining(), s.isWarming(now),
            vram == null ? Double.NaN : vram.usage(s.id()).orElse(Double.NaN)));
      }
    }
    return all;
  }

  @Override
  public void close() {
    inFlight.closeAll();
    poller.close();
    tiers.pools().forEach(Pool::close);
    workers.shutdownNow();
  }

  @Override
  public String toString() {
    return name + ", local=" + tiers.local.endpoints().size() + " nodes"
        + (tiers.remote == null ? "" : ", remote=" + tiers.remote.endpoints().size() + " nodes")
        + (cloud == null ? "" : ", cloud=" + cloud);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
