package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.headroom.core.BackendException;
import dev.headroom.core.Outcome;
import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A non-streamed reply is exactly one JSON value: several values, a body cut short, an HTML page or a body past the
 * size limit are a bad reply from that node (a typed {@link BackendException} naming it, and a failure of its lease),
 * never the first value taken as the answer.
 */
class BadReplyTest {
  private static final String FIRST = "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":"
      + "\"The\"},\"done\":false}";
  private static final String SECOND = "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":"
      + "\" sky\"},\"done\":false}";
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

  private LlmRouter router(Misbehaviour chat, long maxBodyBytes) {
    server.on("/api/chat", chat);
    LlmRouter.Builder b = LlmRouter.builder()
        .node(OllamaNode.of("h", server.uri(), 2))
        .noHealthCheck()
        .meterRegistry(registry)
        .requestTimeout(Duration.ofSeconds(10));
    if (maxBodyBytes > 0) {
      b.maxBodyBytes(maxBodyBytes);
    }
    router = b.build();
    return router;
  }

  /** Not idempotent: the node's error comes back as it is, not after retries. */
  private static ChatRequest once() {
    return ChatRequest.chat(MODEL).user("why is the sky blue?").idempotent(false).build();
  }

  private double failures() {
    return Fleet.outcomes(registry, "h", Outcome.FAILURE);
  }

  private BackendException badReply(Misbehaviour chat, long maxBodyBytes) {
    LlmRouter llm = router(chat, maxBodyBytes);
    Throwable error = catchThrowable(() -> llm.chat(once()));
    assertThat(error).isInstanceOf(BackendException.class);
    BackendException e = (BackendException) error;
    assertThat(e.endpoint()).isEqualTo("h");
    assertThat(failures()).as("a bad reply is a failure of the node, not a success").isEqualTo(1);
    return e;
  }

  @Test
  void severalJsonValuesToANonStreamRequestAreABadReplyNotTheFirstValue() {
    BackendException e = badReply(Misbehaviour.ndjson(FIRST, SECOND), 0);

    assertThat(e.getMessage()).contains("more than one JSON value");
    assertThat(e.bodyExcerpt()).startsWith(FIRST);
  }

  @Test
  void anInBandErrorAfterTheFirstValueIsSurfacedNamingTheNode() {
    BackendException e = badReply(Misbehaviour.ndjson(FIRST, "{\"error\":\"llama runner process has terminated\"}"),
        0);

    assertThat(e.getMessage()).contains("endpoint 'h'").contains("error in reply: llama runner process has terminated");
  }

  @Test
  void aBodyCutShortAtAValueBoundaryIsABadReply() {
    String body = FIRST + "\n" + SECOND + "\n";
    BackendException e = badReply(Misbehaviour.cutAfter(body, FIRST.length() + 1, "application/json"), 0);

    assertThat(e.getMessage()).contains("cut short");
  }

  @Test
  void anHtmlPageWithA200IsABadReplyNamingWhatCame() {
    BackendException e = badReply(Misbehaviour.html200(), 0);

    assertThat(e.getMessage()).contains("HTML page");
    assertThat(e.bodyExcerpt()).contains("502 Bad Gateway");
  }

  @Test
  void aHugeSingleLineIsCutAtTheReplySizeLimit() {
    BackendException e = badReply(Misbehaviour.hugeLine(2 * 1024 * 1024, "application/json"), 1024 * 1024);

    assertThat(e.getMessage()).contains("reply body larger than 1048576 bytes");
  }

  @Test
  void theReplySizeLimitHasADefault() {
    BackendException e = badReply(Misbehaviour.hugeLine(17 * 1024 * 1024, "application/json"), 0);

    assertThat(e.getMessage()).contains("reply body larger than 16777216 bytes");
  }

  @Test
  void anEmptyBodyIsABadReply() {
    BackendException e = badReply(Misbehaviour.answer(200, "application/json", ""), 0);

    assertThat(e.getMessage()).contains("empty reply");
  }
}
