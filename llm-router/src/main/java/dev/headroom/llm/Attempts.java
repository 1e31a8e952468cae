package dev.headroom.llm;

import dev.headroom.core.Lease;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a whole answer or of embeddings on the lease the core router handed out: the HTTP exchange with
 * the node or the cloud (bound to the request's deadline and cut by {@link LlmRouter#close()}), with the cloud's
 * spend step around it and the reply's numbers fed back. A failure is thrown for the router to classify and retry.
 */
final class Attempts {
  private static final Logger log = LoggerFactory.getLogger(LlmRouter.class);

  private final LlmTiers tiers;
  private final WireOllama ollama;
  private final CloudRoute cloudTier; // null without a cloud
  private final CatalogFeedback feedback;
  private final InFlight inFlight;
  private final Duration cloudWaitBudget;

  Attempts(LlmTiers tiers, WireOllama ollama, CloudRoute cloudTier, CatalogFeedback feedback, InFlight inFlight,
      Duration cloudWaitBudget) {
    this.tiers = tiers;
    this.ollama = ollama;
    this.cloudTier = cloudTier;
    this.feedback = feedback;
    this.inFlight = inFlight;
    this.cloudWaitBudget = cloudWaitBudget;
  }

  /** The whole answer to {@code request} from the endpoint of {@code lease}. */
  ChatResponse chat(Lease lease, ChatRequest request, ModelTarget target, RequestDeadline deadline)
      throws Exception {
    return bound(lease, deadline, target, (tier, cloud, timeout, abort) -> cloud != null
        ? cloudChat(lease, request, target, cloud, deadline, abort)
        : chat(lease, request, target, tier, timeout, abort));
  }

  /** Embeddings of the request's texts from the endpoint of {@code lease}. */
  EmbedResponse embed(Lease lease, EmbedRequest request, ModelTarget target, RequestDeadline deadline)
      throws Exception {
    return bound(lease, deadline, target, (tier, cloud, timeout, abort) -> cloud != null
        ? cloudEmbed(lease, request, target, cloud, deadline, abort)
        : embed(lease, request, target, tier, timeout, abort));
  }

  /**
   * Runs one exchange on {@code lease} bound to the request's deadline: what is left of it caps the exchange's
   * timeout, the router's watchdog can cut it, and {@link LlmRouter#close()} can too while it runs.
   */
  private <T> T bound(Lease lease, RequestDeadline deadline, ModelTarget target, Exchange<T> exchange)
      throws Exception {
    String tier = tiers.tierOf(lease);
    CloudRoute cloud = tiers.cloudRoute(lease, target, cloudTier);
    Abort abort = inFlight.start(lease.endpoint().id(), cloud != null ? cloud.model(target) : target.key());
    deadline.bind(lease, abort, tier);
    try {
      return exchange.run(tier, cloud, deadline.cap(lease, deadline.timeout()), abort);
    } finally {
      inFlight.end(abort);
    }
  }

  /** One HTTP exchange of an attempt, given its tier, its cloud route (null: Ollama), its timeout and its abort. */
  @FunctionalInterface
  private interface Exchange<T> {
    T run(String tier, CloudRoute cloud, Duration timeout, Abort abort) throws Exception;
  }

  /**
   * A whole answer from the cloud: its estimated cost reserved against the spend limit, then paced by the
   * deployment's limits (waiting at most its tier's wait budget), the cost settled with the reply's usage, or
   * refunded when the call was paced out or failed. Reserving first means a refused spend never waits for a turn.
   */
  private ChatResponse cloudChat(Lease lease, ChatRequest request, ModelTarget target, CloudRoute cloud,
      RequestDeadline deadline, Abort abort) throws Exception {
    String model = cloud.model(target);
    int tokens = SpendGuard.estimateTokens(request, cloud.spend().assumedAnswerTokens());
    SpendGuard.Reservation reservation = cloud.spend().reserve(cloud.priceKey(target), request);
    Reply reply;
    try {
      cloud.pace(tokens, deadline.cap(lease, cloudWaitBudget), abort);
      reply = cloud.wire().chat(lease.endpoint(), request, model, deadline.cap(lease, deadline.timeout()), abort);
    } catch (Exception | Error e) {
      reservation.refund();
      log.debug("cloud call failed ({}): {}", cloud.tier(), e.toString());
      throw e;
    }
    cloud.spend().settle(reservation, reply.stats());
    cloud.unpace(tokens, reply.stats());
    return new ChatResponse(reply.text(), reply.model(), lease.endpoint().id(), cloud.tier(),
        reply.stats().promptTokens(), reply.stats().evalCount(), Duration.ZERO, Duration.ZERO, 0,
        reply.doneReason(), reply.toolCalls(), reply.thinking());
  }

  /** Embeddings from the cloud, paced and counted like a chat. */
  private EmbedResponse cloudEmbed(Lease lease, EmbedRequest request, ModelTarget target, CloudRoute cloud,
      RequestDeadline deadline, Abort abort) throws Exception {
    int tokens = request.inputs().stream().mapToInt(SpendGuard::estimateTokens).sum();
    SpendGuard.Reservation reservation = cloud.spend().reserve(cloud.priceKey(target), tokens, 0);
    try {
      cloud.pace(tokens, deadline.cap(lease, cloudWaitBudget), abort);
      Embedded reply = cloud.wire().embed(lease.endpoint(), cloud.model(target), request.inputs(),
          deadline.cap(lease, deadline.timeout()), abort);
      cloud.spend().settle(reservation, 0, 0);
      return new EmbedResponse(reply.model(), lease.endpoint().id(), cloud.tier(), reply.vectors());
    } catch (Exception | Error e) {
      reservation.refund();
      throw e;
    }
  }

  private ChatResponse chat(Lease lease, ChatRequest request, ModelTarget target, String tier, Duration timeout,
      Abort abort) throws Exception {
    String id = lease.endpoint().id();
    Reply reply;
    try {
      reply = ollama.generate(lease.endpoint(), request, target.wire(), timeout, abort);
    } catch (ModelNotFoundException e) {
      feedback.missing(id, target.key());
      throw e;
    } catch (ServerBusyException e) {
      feedback.busy(id);
      throw e;
    }
    GenStats s = reply.stats();
    long ttft = feedback.answered(tier, id, target.key(), lease.elapsedNanos(), s);
    return new ChatResponse(reply.text(), reply.model(), id, tier, s.promptTokens(), s.evalCount(),
        Duration.ofNanos(ttft), Duration.ofNanos(s.loadNanosOrZero()), s.tokensPerSecond(), reply.doneReason(),
        reply.toolCalls(), reply.thinking());
  }

  private EmbedResponse embed(Lease lease, EmbedRequest request, ModelTarget target, String tier, Duration timeout,
      Abort abort) throws Exception {
    String id = lease.endpoint().id();
    try {
      Embedded reply = ollama.embed(lease.endpoint(), target.wire(), request.inputs(), timeout, abort);
      feedback.embedded(id, target.key(), reply.loadNanos());
      return new EmbedResponse(reply.model(), id, tier, reply.vectors());
    } catch (ModelNotFoundException e) {
      feedback.missing(id, target.key());
      throw e;
    }
  }
}
