package dev.headroom.llm;

import dev.headroom.core.NoCapacityException;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs one request through its steps, each of which is a part of its own: the {@link RequestDeadline}, model
 * resolution ({@link ModelResolver}), the {@link ResponseCacheStep}, the core {@link Router} of the request's wait
 * budget, and the attempts it makes on leases ({@link Attempts}, or {@link StreamAttempts} for a {@link StreamPump}).
 */
final class RequestRunner {
  final ModelResolver models;
  final ResponseCacheStep cache;
  final StreamAttempts streams;
  final Scheduler scheduler;
  final Duration idleTimeout;
  private final Attempts attempts;
  private final LlmTiers tiers;
  private final InFlight inFlight;
  private final String name;
  private final Duration requestTimeout;
  private final LlmMetrics metrics;
  private final Ticker ticker;

  RequestRunner(LlmRouterSettings settings, ModelResolver models, ResponseCacheStep cache, Attempts attempts,
      StreamAttempts streams, LlmTiers tiers, InFlight inFlight, LlmMetrics metrics) {
    this.models = models;
    this.cache = cache;
    this.attempts = attempts;
    this.streams = streams;
    this.tiers = tiers;
    this.inFlight = inFlight;
    this.name = settings.name();
    this.requestTimeout = settings.requestTimeout();
    this.scheduler = settings.scheduler();
    this.idleTimeout = settings.idleTimeout();
    this.metrics = metrics;
    this.ticker = settings.ticker();
  }

  /** The deadline of a request with {@code timeout} (else the router's request timeout), starting now. */
  RequestDeadline deadline(Optional<Duration> timeout) {
    return new RequestDeadline(name, timeout.orElse(requestTimeout), scheduler, inFlight);
  }

  /** The core router for a request for {@code target} with {@code request}'s wait budget. */
  Router router(ChatRequest request, ModelTarget target) {
    return tiers.routerFor(target, request.maxQueueWait());
  }

  /** The route options of {@code request} for {@code target}. */
  RouteOptions options(ChatRequest request, ModelTarget target, RequestDeadline deadline) {
    int tokens = target.group() == null ? 0
        : SpendGuard.estimateTokens(request, target.group().assumedAnswerTokens());
    return models.options(target, request.idempotent(), deadline.timeout(), models.conversation(request, target),
        tokens);
  }

  /** The whole answer to {@code request}: from the cache, or routed. */
  ChatResponse chat(ChatRequest request) {
    long start = ticker.read();
    RequestDeadline deadline = deadline(request.timeout());
    ModelTarget target = models.resolve(request.model());
    String key = cache.key(request, target);
    if (key != null) {
      Optional<String> hit = cache.get(key);
      if (hit.isPresent()) {
        metrics.request(target.key(), "cache", "success", ticker.read() - start);
        return ResponseCacheStep.answer(hit.get(), target);
      }
    }
    ChatResponse response;
    Affinity.Turn conversation = models.conversation(request, target);
    try {
      response = router(request, target).execute(options(request, target, deadline),
          lease -> attempts.chat(lease, request, target, deadline));
    } catch (RuntimeException e) {
      RuntimeException typed = deadline.typed(e);
      failed(target, typed);
      throw typed;
    }
    metrics.request(target.key(), response.tier(), "success", ticker.read() - start);
    models.served(conversation, response.tier(), response.endpoint());
    if (key != null) {
      cache.put(key, response.text());
    }
    return response;
  }

  /** Records a stream's end in the per-model meters when {@code result} completes. */
  void watch(ChatRequest request, CompletableFuture<ChatResponse> result) {
    long start = ticker.read();
    ModelTarget target = models.resolve(request.model());
    String model = target.key();
    Affinity.Turn conversation = models.conversation(request, target);
    result.whenComplete((response, error) -> {
      if (error == null) {
        metrics.request(model, response.tier(), "success", ticker.read() - start);
        models.served(conversation, response.tier(), response.endpoint());
      } else if (!(unwrap(error) instanceof ModelNotFoundException)) {
        metrics.request(model, "none", outcome(error), -1);
      }
    });
  }

  /**
   * Records a failed request, unless no node and no cloud mapping knows its model: the model tag would then be
   * whatever a caller typed, and the meters' tag values must stay a bounded set.
   */
  private void failed(ModelTarget target, Throwable error) {
    if (!(unwrap(error) instanceof ModelNotFoundException)) {
      metrics.request(target.key(), "none", outcome(error), -1);
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The {@code outcome} tag of a failed request. */
  static String outcome(Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof CancellationException) {
      return "cancelled";
    }
    if (t instanceof RequestTimeoutException || t instanceof StreamInterruptedException
        && t.getCause() instanceof RequestTimeoutException) {
      return "timeout";
    }
    return t instanceof NoCapacityException ? "no_capacity" : "failure";
  }

  /** Embeddings of {@code request}'s texts, routed with the router's default budgets. */
  EmbedResponse embed(EmbedRequest request) {
    RequestDeadline deadline = deadline(Optional.empty());
    ModelTarget target = models.resolve(request.model());
    long start = ticker.read();
    EmbedResponse response;
    try {
      int tokens = request.inputs().stream().mapToInt(SpendGuard::estimateTokens).sum();
      response = tiers.routerFor(target, Optional.empty()).execute(
          models.options(target, true, deadline.timeout(), tokens),
          lease -> attempts.embed(lease, request, target, deadline));
    } catch (RuntimeException e) {
      RuntimeException typed = deadline.typed(e);
      failed(target, typed);
      throw typed;
    }
    metrics.request(target.key(), response.tier(), "success", ticker.read() - start);
    return response;
  }
}
