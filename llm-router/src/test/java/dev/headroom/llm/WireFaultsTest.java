package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.BackendException;
import dev.headroom.core.Outcome;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.LlmFault;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WireFaultsTest {
  private static final long HUGE = 64L * 1024 * 1024;
  private final Fleet fleet = new Fleet();

  @AfterEach
  void close() {
    fleet.close();
  }

  private static ChatRequest once(String text) {
    return ChatRequest.chat(MODEL).user(text).idempotent(false).build();
  }

  @Test
  void malformedJsonIsATypedBackendExceptionWithAnExcerptOfTheGarbage() {
    fleet.node(FakeOllama.builder("n").loaded(MODEL)).inject(LlmFault.malformedJson());
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    BackendException e = catchThrowableOfType(BackendException.class, () -> router.chat(once("q")));

    assertThat(e.endpoint()).isEqualTo("n");
    assertThat(e.getMessage()).contains("malformed JSON");
    assertThat(e.bodyExcerpt()).startsWith("{\"model\":\"llama3.2\",\"message\":{\"content\":\"cut");
    assertThat(fleet.outcomes("n", Outcome.FAILURE)).isEqualTo(1);
  }

  @Test
  void anOversizedBodyIsCutOffAtTheLimitWithABoundedExcerpt() {
    FakeOllama node = fleet.node(FakeOllama.builder("n").loaded(MODEL));
    node.inject(LlmFault.oversizedBody(HUGE));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).maxBodyBytes(256 * 1024));

    BackendException e = catchThrowableOfType(BackendException.class, () -> router.chat(once("q")));

    assertThat(e.getMessage()).contains("reply body larger than 262144 bytes");
    assertThat(e.bodyExcerpt().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(BackendException.MAX_EXCERPT_BYTES + 3);
    assertThat(e.bodyExcerpt()).startsWith("{\"model\":\"llama3.2\"");
    // the client stopped reading: the server could not push the 64 MiB through
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
        .until(() -> node.oversizedBytesWritten() < HUGE / 4);
  }

  @Test
  void anOversizedStreamLineIsCutOffAtTheLineLimit() throws Exception {
    FakeOllama node = fleet.node(FakeOllama.builder("n").loaded(MODEL));
    node.inject(LlmFault.oversizedBody(HUGE));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).maxLineBytes(64 * 1024));

    Collector c = new Collector();
    router.stream(once("q")).subscribe(c);
    c.await();

    assertThat(c.chunks).isEmpty();
    assertThat(c.error).isInstanceOf(BackendException.class).hasMessageContaining("longer than 65536 bytes");
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
        .until(() -> node.oversizedBytesWritten() < HUGE / 4);
  }

  @Test
  void aMalformedLineMidStreamInterruptsTheStream() throws Exception {
    fleet.node(FakeOllama.builder("n").loaded(MODEL)).inject(LlmFault.malformedJsonAfter(2));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    Collector c = new Collector();
    router.stream(once("q")).subscribe(c);
    c.await();

    assertThat(c.chunks).hasSize(2);
    assertThat(c.error).isInstanceOf(StreamInterruptedException.class).hasMessageContaining("malformed JSON");
    assertThat(((BackendException) c.error.getCause()).bodyExcerpt()).contains("\"content\":\"cut");
  }

  @Test
  void aServerErrorIsRetriedOnAnotherNodeForAnIdempotentRequest() {
    FakeOllama failing = fleet.node(FakeOllama.builder("a").loaded(MODEL));
    fleet.node(FakeOllama.builder("b").model(MODEL).coldLoad(Duration.ofMillis(50)));
    failing.inject(LlmFault.serverError());
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    ChatResponse answer = router.chat(Fleet.ask("q"));

    assertThat(answer.endpoint()).isEqualTo("b");
    assertThat(fleet.outcomes("a", Outcome.FAILURE)).isEqualTo(1);
  }

  @Test
  void aServerErrorIsNotResentForARequestMarkedNotIdempotent() {
    FakeOllama failing = fleet.node(FakeOllama.builder("a").loaded(MODEL));
    FakeOllama other = fleet.node(FakeOllama.builder("b").model(MODEL));
    failing.inject(LlmFault.serverError());
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    BackendException e = catchThrowableOfType(BackendException.class, () -> router.chat(once("q")));

    assertThat(e.status()).hasValue(500);
    assertThat(e.getMessage()).contains("llama runner process has terminated");
    assertThat(other.generations()).isZero();
  }
}
