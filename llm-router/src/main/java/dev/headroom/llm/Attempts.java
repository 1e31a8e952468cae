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
  private final WireOpenAi openAi; // null without a cloud
  private final CloudSpend spend;
  private final CatalogFeedback feedback;
  private final InFlight inFlight;

  Attempts(LlmTiers tiers, WireOllama ollama, WireOpenAi openAi, CloudSpend spend, CatalogFeedback feedback,
      InFlight inFlight) {
    this.tiers = tiers;
    this.ollama = ollama;
    this.openAi = openAi;
    this.spend = spend;
    this.feedback = feedback;
    this.inFlight = inFlight;
  }

  /** The whole answer to {@code request} from the endpoint of {@code lease}. */
  ChatResponse chat(Lease lease, ChatRequest request, ModelTarget target, RequestDeadline deadline)
      throws Exception {
    return bound(lease, deadline, target, (tier, timeout, abort) -> chat(lease, request, target, tier, timeout,
        abort));
  }

  /** Embeddings of the request's texts from the endpoint of {@code lease}. */
  EmbedResponse embed(Lease lease, EmbedRequest request, ModelTarget target, RequestDeadline deadline)
      throws Exception {
    return bound(lease, deadline, target, (tier, timeout, abort) -> embed(lease, request, target, tier, timeout,
        abort));
  }

  /**
   * Runs one exchange on {@code lease} bound to the request's deadline: what is left of it caps the exchange's
   * timeout, the router's watchdog can cut it, and {@link LlmRouter#close()} can too while it runs.
   */
  private <T> T bound(Lease lease, RequestDeadline deadline, ModelTarget target, Exchange<T> exchange)
      throws Exception {
    String tier = tiers.tierOf(lease);
    Abort abort = inFlight.start(lease.endpoint().id(), tier.equals(LlmRouter.CLOUD) ? target.cloudModel()
        : target.key());
    deadline.bind(lease, abort, tier);
    try {
      return exchange.run(tier, deadline.cap(lease, deadline.timeout()), abort);
    } finally {
      inFlight.end(abort);
    }
  }

  /** One HTTP exchange of an attempt, given its tier, its timeout and the handle that cuts it. */
  @FunctionalInterface
  private interface Exchange<T> {
    T run(String tier, Duration timeout, Abort abort) throws Exception;
  }

  private ChatResponse chat(Lease lease, ChatRequest request, ModelTarget target, String tier, Duration timeout,
      Abort abort) throws Exception {
    String id = lease.endpoint().id();
    if (tier.equals(LlmRouter.CLOUD)) {
      SpendGuard.Reservation reservation = spend.reserve(target.cloudModel(), request);
      Reply reply;
      try {
        reply = openAi.chat(lease.endpoint(), request, target.cloudModel(), timeout, abort);
      } catch (Exception | Error e) {
        reservation.refund();
        log.debug("cloud call failed: {}", e.toString());
        throw e;
      }
      spend.settle(reservation, reply.stats());
      return new ChatResponse(reply.text(), reply.model(), id, tier, reply.stats().promptTokens(),
          reply.stats().evalCount(), Duration.ZERO, Duration.ZERO, 0, reply.doneReason(), reply.toolCalls(),
          reply.thinking());
    }
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
    if (tier.equals(LlmRouter.CLOUD)) {
      int tokens = request.inputs().stream().mapToInt(SpendGuard::estimateTokens).sum();
      SpendGuard.Reservation reservation = spend.reserve(target.cloudModel(), tokens, 0);
      try {
        Embedded reply = openAi.embed(lease.endpoint(), target.cloudModel(), request.inputs(), timeout, abort);
        spend.settle(reservation, 0, 0);
        return new EmbedResponse(reply.model(), id, tier, reply.vectors());
      } catch (Exception | Error e) {
        reservation.refund();
        throw e;
      }
    }
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
