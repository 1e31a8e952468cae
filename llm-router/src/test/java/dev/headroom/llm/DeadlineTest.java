package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.HeadroomException;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.core.Outcome;
import dev.headroom.core.SpillReason;
import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request timeout bounds everything a call does - waiting for headers, the first token, the gaps between
 * chunks, the whole body or stream - against a server that never answers, drips, or streams for ever; and
 * {@link LlmRouter#close()} frees callers blocked in a read.
 */
class DeadlineTest {
  private static final Duration SLACK = Duration.ofSeconds(1);
  private static final String REPLY = "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":"
      + "\"The sky is blue.\"},\"done\":true,\"done_reason\":\"stop\",\"eval_count\":5}";
  private static final String TOKEN = "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":"
      + "\"la \"},\"done\":false}";
  private static HostileServer server;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private LlmRouter router;

  @BeforeAll
  static void startServer() {
    server = HostileOllama.node(Misbehaviour.neverAnswer(), false);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void closeRouter() {
    if (router != null) {
      router.close();
    }
  }

  /** A router over the hostile node whose first-token and idle timeouts are far longer than the requests'. */
  private LlmRouter router(Misbehaviour chat) {
    server.on("/api/chat", chat);
    router = LlmRouter.builder()
        .node(OllamaNode.of("h", server.uri(), 2))
        .noHealthCheck()
        .meterRegistry(registry)
        .firstTokenTimeout(Duration.ofSeconds(60))
        .idleTimeout(Duration.ofSeconds(30))
        .requestTimeout(Duration.ofSeconds(60))
        .build();
    return router;
  }

  private static ChatRequest ask(Duration timeout) {
    return ChatRequest.chat(MODEL).user("why is the sky blue?").timeout(timeout).build();
  }

  private double failures() {
    return Fleet.outcomes(registry, "h", Outcome.FAILURE);
  }

  private static void assertTimedOut(Throwable error, Duration timeout) {
    assertThat(error).isInstanceOf(RequestTimeoutException.class);
    RequestTimeoutException e = (RequestTimeoutException) error;
    assertThat(e.lastReason()).isEqualTo(SpillReason.DEADLINE);
    assertThat(e.timeout()).isEqualTo(timeout);
    assertThat(e.endpoint()).as("the call was running on h at the deadline").hasValue("h");
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void aNodeThatNeverAnswersHoldsAWholeAnswerNoLongerThanTheRequestTimeout() {
    LlmRouter llm = router(Misbehaviour.neverAnswer());
    Duration timeout = Duration.ofSeconds(1);

    long start = System.nanoTime();
    Throwable error = catchThrowable(() -> llm.chat(ask(timeout)));

    assertThat(since(start)).isLessThan(timeout.plus(SLACK));
    assertTimedOut(error, timeout);
  }

  @Test
  void aNodeThatNeverAnswersHoldsAStreamNoLongerThanTheRequestTimeoutNotTheFirstTokenTimeout() {
    LlmRouter llm = router(Misbehaviour.neverAnswer());
    Duration timeout = Duration.ofSeconds(1);

    long start = System.nanoTime();
    Collector c = new Collector();
    llm.stream(ask(timeout)).subscribe(c);
    await().atMost(timeout.plus(SLACK)).until(() -> c.ended.getCount() == 0);

    assertThat(since(start)).isLessThan(timeout.plus(SLACK));
    assertThat(c.chunks).isEmpty();
    assertTimedOut(c.error, timeout);
    await().untilAsserted(() -> assertThat(failures()).isEqualTo(1));
  }

  @Test
  void aBodyDrippedAByteASecondIsCutAtTheRequestTimeoutAndTheLeaseFails() {
    LlmRouter llm = router(Misbehaviour.drip(REPLY, 1, "application/json"));
    Duration timeout = Duration.ofSeconds(1);

    long start = System.nanoTime();
    Throwable error = catchThrowable(() -> llm.chat(ask(timeout)));

    assertThat(since(start)).isLessThan(timeout.plus(SLACK));
    assertTimedOut(error, timeout);
    assertThat(failures()).isEqualTo(1);
    await().until(() -> llm.localPool().inFlight() == 0);
  }

  @Test
  void aStreamDrippedAByteASecondIsCutAtTheRequestTimeout() {
    LlmRouter llm = router(Misbehaviour.drip(TOKEN + "\n" + REPLY + "\n", 1, "application/x-ndjson"));
    Duration timeout = Duration.ofSeconds(1);

    long start = System.nanoTime();
    Collector c = new Collector();
    llm.stream(ask(timeout)).subscribe(c);
    await().atMost(timeout.plus(SLACK)).until(() -> c.ended.getCount() == 0);

    assertThat(since(start)).isLessThan(timeout.plus(SLACK));
    assertTimedOut(c.error, timeout);
  }

  @Test
  void aStreamWithALineEvery400MsForEverEndsAtTheRequestTimeoutNotTheIdleTimeout() {
    LlmRouter llm = router(Misbehaviour.lines(Duration.ofMillis(400), Integer.MAX_VALUE, TOKEN));
    Duration timeout = Duration.ofMillis(1500);

    long start = System.nanoTime();
    Collector c = new Collector();
    ChatStream stream = llm.stream(ask(timeout));
    stream.subscribe(c);
    await().atMost(timeout.plus(SLACK)).until(() -> c.ended.getCount() == 0);

    assertThat(since(start)).isLessThan(timeout.plus(SLACK));
    assertThat(c.chunks).isNotEmpty();
    assertThat(c.error).isInstanceOf(StreamInterruptedException.class);
    StreamInterruptedException e = (StreamInterruptedException) c.error;
    assertThat(e.partialText()).isEqualTo(c.text());
    assertTimedOut(e.getCause(), timeout);
    assertThat(stream.result()).isCompletedExceptionally();
    await().untilAsserted(() -> assertThat(failures()).isEqualTo(1));
  }

  @Test
  void closingTheRouterFreesACallerBlockedReadingADrippedBody() {
    LlmRouter llm = router(Misbehaviour.drip(REPLY, 1, "application/json"));
    long chatRequestsBefore = chatRequests();
    CompletableFuture<ChatResponse> call = CompletableFuture.supplyAsync(() -> llm.chat(ask(Duration.ofSeconds(60))));
    await().until(() -> chatRequests() > chatRequestsBefore);

    llm.close();

    await().atMost(SLACK).until(call::isDone);
    Throwable error = catchThrowable(call::join);
    assertThat(error).hasRootCauseInstanceOf(HeadroomException.class).hasMessageContaining("closed");
  }

  @Test
  void aFleetPollOfANodeThatDripsItsModelListEndsAtThePollTimeout() {
    try (HostileServer dripping = HostileServer.start(Misbehaviour.drip(
        "{\"models\":[{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\"}]}", 1,
        "application/json"))) {
      router = LlmRouter.builder().node(OllamaNode.of("d", dripping.uri(), 1)).noHealthCheck()
          .pollTimeout(Duration.ofMillis(500)).pollInterval(Duration.ofMinutes(10)).discoverOnBuild(false).build();

      long start = System.nanoTime();
      router.refreshFleet(Duration.ofSeconds(30));

      assertThat(since(start)).isLessThan(Duration.ofMillis(500).plus(SLACK));
      assertThat(router.fleet().get(0).modelsOnDisk()).isEmpty();
    }
  }

  private static long chatRequests() {
    return server.requestLines().stream().filter(l -> l.startsWith("POST /api/chat")).count();
  }
}
