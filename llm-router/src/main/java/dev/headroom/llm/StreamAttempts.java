package dev.headroom.llm;

import dev.headroom.core.BackendException;
import dev.headroom.core.Lease;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a stream on a lease, up to its first token, and the end of a stream that got past it. Before the
 * first token a failure is thrown, so that the core router retries elsewhere; at the first token the lease is
 * detached from the router and the {@link StreamPump} owns it, and each end (completed, failed, cancelled) releases
 * it exactly once.
 */
final class StreamAttempts {
  private static final Logger log = LoggerFactory.getLogger(LlmRouter.class);

  private final LlmTiers tiers;
  private final WireOllama ollama;
  private final CloudRoute cloudTier; // null without a cloud
  private final Duration cloudWaitBudget;
  private final CatalogFeedback feedback;
  private final InFlight inFlight;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final Duration firstTokenTimeout;

  StreamAttempts(LlmTiers tiers, WireOllama ollama, CloudRoute cloudTier, Duration cloudWaitBudget,
      CatalogFeedback feedback, InFlight inFlight, Scheduler scheduler, Ticker ticker, Duration firstTokenTimeout) {
    this.tiers = tiers;
    this.ollama = ollama;
    this.cloudTier = cloudTier;
    this.cloudWaitBudget = cloudWaitBudget;
    this.feedback = feedback;
    this.inFlight = inFlight;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.firstTokenTimeout = firstTokenTimeout;
  }

  /**
   * Opens a stream on {@code lease} and reads up to its first token; the pump then owns the lease. Failures before
   * the first token are thrown so that the core router retries elsewhere.
   */
  OpenStream open(Lease lease, ChatRequest request, ModelTarget target, StreamPump pump, RequestDeadline deadline)
      throws Exception {
    String tier = tiers.tierOf(lease);
    String id = lease.endpoint().id();
    CloudRoute cloud = tiers.cloudRoute(lease, target, cloudTier);
    boolean toCloud = cloud != null;
    Abort abort = inFlight.start(lease.endpoint().id(), toCloud ? cloud.model(target) : target.key());
    pump.attach(abort);
    deadline.bind(lease, abort, tier);
    int tokens = toCloud ? SpendGuard.estimateTokens(request, cloud.spend().assumedAnswerTokens()) : 0;
    SpendGuard.Reservation reservation = null;
    if (toCloud) { // the spend first: a refused spend never waits for a turn
      try {
        reservation = cloud.spend().reserve(cloud.priceKey(target), request);
        cloud.pace(tokens, deadline.cap(lease, cloudWaitBudget), abort);
      } catch (Exception | Error e) {
        if (reservation != null) {
          reservation.refund();
        }
        inFlight.end(abort);
        throw e;
      }
    }
    long start = ticker.read();
    Duration firstToken = firstTokenTimeout;
    Scheduler.Cancellable timer = scheduler.schedule(firstToken.toNanos(), () -> abort.fire(
        new BackendException(id, -1, "no first token within " + firstToken.toMillis() + " ms", "",
            new TimeoutException("first-token timeout"))));
    WireStream stream = null;
    try {
      Duration headers = deadline.cap(lease, firstToken);
      stream = toCloud ? cloud.wire().open(lease.endpoint(), request, cloud.model(target), headers, abort)
          : ollama.open(lease.endpoint(), request, target.wire(), headers, abort);
      Delta first;
      do {
        first = stream.next();
      } while (first != null && !first.hasContent() && !first.done());
      if (first == null) {
        throw new BackendException(id, 200, "stream ended before its first token", "", null);
      }
      timer.cancel();
      long ttft = ticker.read() - start;
      // from here the stream outlives the routed call: its own timer keeps the request deadline
      Scheduler.Cancellable deadlineTimer = deadline.armDetached(lease, abort, tier);
      lease.detach();
      return new OpenStream(lease, stream, abort, deadlineTimer, first, ttft, tier, id,
          toCloud ? cloud.model(target) : target.wire(), reservation, cloud, tokens);
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
        feedback.missing(id, target.key());
      } else if (e instanceof ServerBusyException) {
        feedback.busy(id);
      } else if (toCloud) {
        log.debug("cloud stream failed before its first token: {}", e.toString());
      }
      throw e;
    }
  }

  /** A stream ended with its final message: the lease succeeds and the reply's numbers are recorded. */
  void completed(OpenStream opened, ModelTarget target, GenStats s) {
    release(opened);
    opened.lease().success();
    CloudRoute cloud = opened.cloud();
    feedback.streamed(opened.tier(), opened.endpoint(), target.key(), opened.ttftNanos(), s, cloud != null);
    if (cloud != null) {
      cloud.spend().settle(opened.reservation(), s);
      cloud.unpace(opened.tokens(), s);
    }
  }

  /** A stream failed after its first token. */
  void failed(OpenStream opened, Throwable cause) {
    release(opened);
    opened.lease().failure(cause);
    feedback.interrupted(opened.tier(), opened.endpoint());
    if (opened.reservation() != null) {
      opened.reservation().settle(0, 0); // tokens were generated and billed, the estimate stands
    }
  }

  /** The subscriber cancelled a stream after its first token. */
  void cancelled(OpenStream opened) {
    release(opened);
    opened.stream().close();
    opened.lease().close();
    if (opened.reservation() != null) {
      opened.reservation().settle(0, 0);
    }
  }

  /** A stream ended: its deadline timer and its place among the exchanges in progress go. */
  private void release(OpenStream opened) {
    opened.deadlineTimer().cancel();
    inFlight.end(opened.abort());
  }
}
