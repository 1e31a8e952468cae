package dev.headroom.llm;

import dev.headroom.core.BackendException;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.Selector;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work behind {@link LlmRouter}: resolves models, builds the per-request selectors and route options, runs the
 * calls on the lease the core {@link Router} hands out, and feeds what replies say (speed, load times, models) back
 * into the catalog and the node statistics.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(LlmRouter.class);
  private static final Selector NONE = new Selector() {
    @Override
    public boolean accepts(dev.headroom.core.EndpointState endpoint) {
      return false;
    }

    @Override
    public String toString() {
      return "none";
    }
  };

  final Settings settings;
  final Pool local;
  final Pool remote;
  final Pool cloud;
  final Catalog catalog;
  final NodeStats stats;
  final LlmCost cost;
  final OllamaClient ollama;
  final OpenAiClient openAi;
  final SpendGuard guard;
  final ResponseCache cache;
  final LlmMetrics metrics;
  final Ticker ticker;
  final Scheduler scheduler;
  /** Every exchange in progress, cut by {@link LlmRouter#close()}. */
  final InFlight inFlight = new InFlight();
  private final Function<Optional<Duration>, Router> routers;

  Dispatcher(Settings settings, Pool local, Pool remote, Pool cloud, Catalog catalog, NodeStats stats,
      LlmCost cost, OllamaClient ollama, OpenAiClient openAi, SpendGuard guard, ResponseCache cache,
      LlmMetrics metrics, Ticker ticker, Scheduler scheduler, Function<Optional<Duration>, Router> routers) {
    this.settings = settings;
    this.local = local;
    this.remote = remote;
    this.cloud = cloud;
    this.catalog = catalog;
    this.stats = stats;
    this.cost = cost;
    this.ollama = ollama;
    this.openAi = openAi;
    this.guard = guard;
    this.cache = cache;
    this.metrics = metrics;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.routers = routers;
  }

  /** The settings the dispatcher reads per request. */
  record Settings(String name, Map<String, String> aliases, Map<String, String> cloudModels, Duration requestTimeout,
      Duration firstTokenTimeout, Duration idleTimeout, Duration cacheTtl, double loadedPreference) {}

  /** What a request's model name means: the model sent to Ollama, its catalog key, and the cloud model. */
  record Target(String wire, String key, String cloudModel) {
    Optional<String> cloud() {
      return Optional.ofNullable(cloudModel);
    }
  }

  Target target(String requested) {
    String resolved = settings.aliases().getOrDefault(requested, requested);
    String key = OllamaClient.normalize(resolved);
    Map<String, String> cloudModels = settings.cloudModels();
    String cloudModel = cloudModels.get(requested);
    if (cloudModel == null) {
      cloudModel = cloudModels.get(resolved);
    }
    if (cloudModel == null) {
      cloudModel = cloudModels.get(key);
    }
    return new Target(resolved, key, cloudModel);
  }

  /** The deadline of a request with {@code timeout} (else the router's request timeout), starting now. */
  RequestDeadline deadline(Optional<Duration> timeout) {
    return new RequestDeadline(settings.name(), timeout.orElse(settings.requestTimeout()), scheduler, inFlight);
  }

  RouteOptions options(Target target, boolean idempotent, RequestDeadline deadline) {
    requireModel(target);
    ModelSelector selector = new ModelSelector(catalog, cost, ticker, target.key(), settings.loadedPreference());
    RouteOptions.Builder b = RouteOptions.builder()
        .idempotent(idempotent)
        .timeout(deadline.timeout())
        .selector(LlmRouter.LOCAL, selector)
        .selector(LlmRouter.REMOTE, selector)
        .selector(LlmRouter.CLOUD, target.cloudModel() != null ? Selector.any() : NONE);
    return b.build();
  }

  /**
   * Refuses at once a model that no node lists and no cloud model is mapped for, naming what the nodes have
   * (when no node's models are known at all, the fleet is unreachable: routing reports that instead).
   */
  private void requireModel(Target target) {
    if (target.cloudModel() != null || catalog.anyHas(target.key())) {
      return;
    }
    Set<String> known = catalog.allAvailable();
    int unread = catalog.unread();
    int nodes = local.config().endpoints().size() + (remote == null ? 0 : remote.config().endpoints().size());
    if (unread < nodes) {
      throw ModelNotFoundException.onNoNode(settings.name(), target.wire(), known, unread);
    }
  }

  Router router(ChatRequest request) {
    return routers.apply(request.maxQueueWait());
  }

  String tierOf(Lease lease) {
    String pool = lease.pool();
    if (cloud != null && pool.equals(cloud.name())) {
      return LlmRouter.CLOUD;
    }
    return remote != null && pool.equals(remote.name()) ? LlmRouter.REMOTE : LlmRouter.LOCAL;
  }

  // ---------------------------------------------------------------- whole answers

  ChatResponse chat(ChatRequest request) {
    RequestDeadline deadline = deadline(request.timeout());
    Target target = target(request.model());
    String key = cacheKey(request, target);
    if (key != null) {
      Optional<String> hit = cacheGet(key);
      if (hit.isPresent()) {
        return cached(hit.get(), target);
      }
    }
    ChatResponse response;
    try {
      response = router(request).execute(options(target, request.idempotent(), deadline),
          lease -> callWhole(lease, request, target, deadline));
    } catch (RuntimeException e) {
      throw deadline.typed(e);
    }
    if (key != null) {
      cachePut(key, response.text());
    }
    return response;
  }

  private ChatResponse callWhole(Lease lease, ChatRequest request, Target target, RequestDeadline deadline)
      throws Exception {
    String tier = tierOf(lease);
    Abort abort = inFlight.start();
    deadline.bind(lease, abort, tier);
    try {
      return callWhole(lease, request, target, tier, deadline.cap(lease, deadline.timeout()), abort);
    } finally {
      inFlight.end(abort);
    }
  }

  private ChatResponse callWhole(Lease lease, ChatRequest request, Target target, String tier, Duration timeout,
      Abort abort) throws Exception {
    String id = lease.endpoint().id();
    if (tier.equals(LlmRouter.CLOUD)) {
      SpendGuard.Reservation reservation = reserve(target.cloudModel(), request);
      Reply reply;
      try {
        reply = openAi.chat(lease.endpoint(), request, target.cloudModel(), timeout, abort);
      } catch (Exception | Error e) {
        reservation.refund();
        log.debug("cloud call failed: {}", e.toString());
        throw e;
      }
      settle(reservation, reply.stats());
      return new ChatResponse(reply.text(), reply.model(), id, tier, reply.stats().promptTokens(),
          reply.stats().evalCount(), Duration.ZERO, Duration.ZERO, 0, reply.doneReason());
    }
    Reply reply;
    try {
      reply = ollama.generate(lease.endpoint(), request, target.wire(), timeout, abort);
    } catch (ModelNotFoundException e) {
      catalog.missing(id, target.key());
      throw e;
    } catch (ServerBusyException e) {
      stats.busy(id, ticker.read());
      throw e;
    }
    GenStats s = reply.stats();
    long wall = lease.elapsedNanos();
    long overhead = s.totalNanos() > 0 ? Math.max(0, wall - s.totalNanos()) : 0;
    long ttftNoLoad = s.promptEvalNanos() >= 0 ? s.promptEvalNanos() + overhead : -1;
    observed(tier, id, target.key(), ttftNoLoad, s);
    long ttft = ttftNoLoad < 0 ? 0 : ttftNoLoad + s.loadNanosOrZero();
    metrics.ttft(tier, id, ttft);
    return new ChatResponse(reply.text(), reply.model(), id, tier, s.promptTokens(), s.evalCount(),
        Duration.ofNanos(ttft), Duration.ofNanos(s.loadNanosOrZero()), s.tokensPerSecond(), reply.doneReason());
  }

  // ---------------------------------------------------------------- streams

  /**
   * Opens a stream on {@code lease} and reads up to its first token; the pump then owns the lease. Failures before
   * the first token are thrown so that the core router retries elsewhere.
   */
  Opened open(Lease lease, ChatRequest request, Target target, StreamPump pump, RequestDeadline deadline)
      throws Exception {
    String tier = tierOf(lease);
    String id = lease.endpoint().id();
    boolean toCloud = tier.equals(LlmRouter.CLOUD);
    SpendGuard.Reservation reservation = toCloud ? reserve(target.cloudModel(), request) : null;
    Abort abort = inFlight.start();
    pump.attach(abort);
    deadline.bind(lease, abort, tier);
    long start = ticker.read();
    Duration firstToken = settings.firstTokenTimeout();
    Scheduler.Cancellable timer = scheduler.schedule(firstToken.toNanos(), () -> abort.fire(
        new BackendException(id, -1, "no first token within " + firstToken.toMillis() + " ms", "",
            new TimeoutException("first-token timeout"))));
    WireStream stream = null;
    try {
      Duration headers = deadline.cap(lease, firstToken);
      stream = toCloud ? openAi.open(lease.endpoint(), request, target.cloudModel(), headers, abort)
          : ollama.open(lease.endpoint(), request, target.wire(), headers, abort);
      Delta first;
      do {
        first = stream.next();
      } while (first != null && first.text().isEmpty() && !first.done());
      if (first == null) {
        throw new BackendException(id, 200, "stream ended before its first token", "", null);
      }
      timer.cancel();
      long ttft = ticker.read() - start;
      // from here the stream outlives the routed call: its own timer keeps the request deadline
      Scheduler.Cancellable deadlineTimer = deadline.armDetached(lease, abort, tier);
      lease.detach();
      return new Opened(lease, stream, abort, deadlineTimer, first, ttft, tier, id,
          toCloud ? target.cloudModel() : target.wire(), reservation);
    } catch (Exception | Error e) {
      timer.cancel();
      inFlight.end(abort);
      if (stream != null) {
        stream.close();
      }
      if (reservation != null) {
        reservation.refund();
      }
      if (e instanceof ModelNotFoundException) {
        catalog.missing(id, target.key());
      } else if (e instanceof ServerBusyException) {
        stats.busy(id, ticker.read());
      } else if (toCloud) {
        log.debug("cloud stream failed before its first token: {}", e.toString());
      }
      throw e;
    }
  }

  /** A stream ended with its final message: the lease succeeds and the reply's numbers are recorded. */
  void streamCompleted(Opened opened, Target target, GenStats s) {
    release(opened);
    opened.lease().success();
    metrics.ttft(opened.tier(), opened.endpoint(), opened.ttftNanos());
    if (opened.reservation() != null) {
      settle(opened.reservation(), s);
    } else {
      observed(opened.tier(), opened.endpoint(), target.key(), opened.ttftNanos() - s.loadNanosOrZero(), s);
    }
  }

  /** A stream failed after its first token. */
  void streamFailed(Opened opened, Throwable cause) {
    release(opened);
    opened.lease().failure(cause);
    metrics.interrupted(opened.tier(), opened.endpoint());
    if (opened.reservation() != null) {
      opened.reservation().settle(0, 0); // tokens were generated and billed, the estimate stands
    }
  }

  /** The subscriber cancelled a stream after its first token. */
  void streamCancelled(Opened opened) {
    release(opened);
    opened.stream().close();
    opened.lease().close();
    if (opened.reservation() != null) {
      opened.reservation().settle(0, 0);
    }
  }

  /** A stream ended: its deadline timer and its place among the exchanges in progress go. */
  private void release(Opened opened) {
    opened.deadlineTimer().cancel();
    inFlight.end(opened.abort());
  }

  // ---------------------------------------------------------------- embeddings

  EmbedResponse embed(EmbedRequest request) {
    RequestDeadline deadline = deadline(Optional.empty());
    Target target = target(request.model());
    try {
      return routers.apply(Optional.empty()).execute(options(target, true, deadline), lease -> {
        String tier = tierOf(lease);
        Abort abort = inFlight.start();
        deadline.bind(lease, abort, tier);
        try {
          return embedOn(lease, request, target, tier, deadline.cap(lease, deadline.timeout()), abort);
        } finally {
          inFlight.end(abort);
        }
      });
    } catch (RuntimeException e) {
      throw deadline.typed(e);
    }
  }

  private EmbedResponse embedOn(Lease lease, EmbedRequest request, Target target, String tier, Duration timeout,
      Abort abort) throws Exception {
    String id = lease.endpoint().id();
    if (tier.equals(LlmRouter.CLOUD)) {
      int tokens = request.inputs().stream().mapToInt(SpendGuard::estimateTokens).sum();
      SpendGuard.Reservation reservation = reserve(target.cloudModel(), tokens, 0);
      try {
        Embedded reply = openAi.embed(lease.endpoint(), target.cloudModel(), request.inputs(), timeout, abort);
        reservation.settle(0, 0);
        metrics.spend(reservation.estimate());
        return new EmbedResponse(reply.model(), id, tier, reply.vectors());
      } catch (Exception | Error e) {
        reservation.refund();
        throw e;
      }
    }
    try {
      Embedded reply = ollama.embed(lease.endpoint(), target.wire(), request.inputs(), timeout, abort);
      catalog.served(id, target.key(), reply.loadNanos(), ticker.read());
      return new EmbedResponse(reply.model(), id, tier, reply.vectors());
    } catch (ModelNotFoundException e) {
      catalog.missing(id, target.key());
      throw e;
    }
  }

  // ---------------------------------------------------------------- shared

  private void observed(String tier, String id, String model, long ttftNoLoadNanos, GenStats s) {
    stats.ttft(id, ttftNoLoadNanos);
    stats.tokensPerSecond(id, s.tokensPerSecond());
    metrics.tokenRate(tier, id, s.tokensPerSecond());
    if (s.loadNanosOrZero() > Catalog.COLD_LOAD_THRESHOLD_NANOS) {
      metrics.coldLoad(id, model);
    }
    catalog.served(id, model, s.loadNanosOrZero(), ticker.read());
  }

  private SpendGuard.Reservation reserve(String model, ChatRequest request) {
    try {
      return guard.reserve(model, request);
    } catch (SpendLimitExceededException e) {
      metrics.refused(e.kind());
      throw e;
    }
  }

  private SpendGuard.Reservation reserve(String model, int promptTokens, int answerTokens) {
    try {
      return guard.reserve(model, promptTokens, answerTokens);
    } catch (SpendLimitExceededException e) {
      metrics.refused(e.kind());
      throw e;
    }
  }

  private void settle(SpendGuard.Reservation reservation, GenStats s) {
    reservation.settle(s.promptTokens(), s.evalCount());
    metrics.spend(reservation.estimate());
  }

  String cacheKey(ChatRequest request, Target target) {
    return cache != null && request.deterministic() ? CacheKeys.key(request, target.key()) : null;
  }

  Optional<String> cacheGet(String key) {
    try {
      Optional<String> hit = cache.get(key);
      metrics.cache(hit.isPresent());
      return hit;
    } catch (RuntimeException e) {
      log.warn("response cache lookup failed, routing the request: {}", e.toString());
      return Optional.empty();
    }
  }

  void cachePut(String key, String text) {
    try {
      cache.put(key, text, settings.cacheTtl());
    } catch (RuntimeException e) {
      log.warn("response cache store failed: {}", e.toString());
    }
  }

  ChatResponse cached(String text, Target target) {
    return new ChatResponse(text, target.wire(), LlmRouter.CACHE, LlmRouter.CACHE, 0, 0, Duration.ZERO,
        Duration.ZERO, 0);
  }

  /** A stream that reached its first token: the lease (detached from the router) and what was read. */
  record Opened(Lease lease, WireStream stream, Abort abort, Scheduler.Cancellable deadlineTimer, Delta first,
      long ttftNanos, String tier, String endpoint, String model, SpendGuard.Reservation reservation) {}
}
