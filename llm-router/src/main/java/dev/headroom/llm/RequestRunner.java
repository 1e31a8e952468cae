package dev.headroom.llm;

import dev.headroom.core.route.Router;
import dev.headroom.core.time.Scheduler;
import java.time.Duration;
import java.util.Optional;

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

  RequestRunner(LlmRouterSettings settings, ModelResolver models, ResponseCacheStep cache, Attempts attempts,
      StreamAttempts streams, LlmTiers tiers, InFlight inFlight) {
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
  }

  /** The deadline of a request with {@code timeout} (else the router's request timeout), starting now. */
  RequestDeadline deadline(Optional<Duration> timeout) {
    return new RequestDeadline(name, timeout.orElse(requestTimeout), scheduler, inFlight);
  }

  /** The core router for {@code request}'s wait budget. */
  Router router(ChatRequest request) {
    return tiers.routerFor(request.maxQueueWait());
  }

  /** The whole answer to {@code request}: from the cache, or routed. */
  ChatResponse chat(ChatRequest request) {
    RequestDeadline deadline = deadline(request.timeout());
    ModelTarget target = models.resolve(request.model());
    String key = cache.key(request, target);
    if (key != null) {
      Optional<String> hit = cache.get(key);
      if (hit.isPresent()) {
        return ResponseCacheStep.answer(hit.get(), target);
      }
    }
    ChatResponse response;
    try {
      response = router(request).execute(models.options(target, request.idempotent(), deadline.timeout()),
          lease -> attempts.chat(lease, request, target, deadline));
    } catch (RuntimeException e) {
      throw deadline.typed(e);
    }
    if (key != null) {
      cache.put(key, response.text());
    }
    return response;
  }

  /** Embeddings of {@code request}'s texts, routed with the router's default budgets. */
  EmbedResponse embed(EmbedRequest request) {
    RequestDeadline deadline = deadline(Optional.empty());
    ModelTarget target = models.resolve(request.model());
    try {
      return tiers.routerFor(Optional.empty()).execute(models.options(target, true, deadline.timeout()),
          lease -> attempts.embed(lease, request, target, deadline));
    } catch (RuntimeException e) {
      throw deadline.typed(e);
    }
  }
}
