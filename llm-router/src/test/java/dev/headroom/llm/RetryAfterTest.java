package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.headroom.core.BackendException;
import dev.headroom.core.NoCapacityException;
import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import dev.headroom.testkit.llm.FakeOllama;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A 503 or 429 with {@code Retry-After}, from Ollama or the cloud, benches that endpoint for that long. */
class RetryAfterTest {
  private static HostileServer busy;

  private final Fleet fleet = new Fleet();

  @BeforeAll
  static void startServer() {
    // the model is in memory there, so the router prefers this node while it may
    busy = HostileOllama.node(Misbehaviour.busy(503, Duration.ofSeconds(30)), true);
  }

  @AfterAll
  static void stopServer() {
    busy.close();
  }

  @AfterEach
  void close() {
    fleet.close();
  }

  private static long chats(HostileServer server) {
    return server.requestLines().stream().filter(l -> l.startsWith("POST /api/chat")).count();
  }

  @Test
  void anOllama503WithRetryAfterIsBusyCarriesTheDelayAndBenchesTheNode() {
    fleet.node(FakeOllama.builder("b").model(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).node(OllamaNode.of("a", busy.uri(), 1)));
    long before = chats(busy);

    for (int i = 0; i < 5; i++) {
      assertThat(router.chat(Fleet.ask("q" + i)).endpoint()).isEqualTo("b");
    }

    assertThat(chats(busy) - before).as("after its Retry-After, a is not picked again").isEqualTo(1);
  }

  @Test
  void theBusyReplyCarriesTheServersRetryAfter() {
    LlmRouter router = fleet.start(LlmRouter.builder().node(OllamaNode.of("a", busy.uri(), 1)).noHealthCheck());

    NoCapacityException e = catchThrowableOfType(NoCapacityException.class, () -> router.chat(Fleet.ask("q")));

    assertThat(e.getCause()).isInstanceOf(ServerBusyException.class);
    assertThat(((BackendException) e.getCause()).retryAfter()).hasValue(Duration.ofSeconds(30));
  }

  @Test
  void aCloud429WithRetryAfterCarriesTheDelay() {
    try (HostileServer cloud = HostileServer.start(Misbehaviour.busy(429, Duration.ofSeconds(7)))) {
      fleet.node(FakeOllama.builder("n").loaded("qwen2.5"));
      LlmRouter router = fleet.start(fleet.routerBuilder(1)
          .cloud(CloudConfig.builder(cloud.uri()).model(MODEL, Fleet.CLOUD_MODEL).build()));

      NoCapacityException e = catchThrowableOfType(NoCapacityException.class, () -> router.chat(Fleet.ask("q")));

      assertThat(e.getCause()).isInstanceOf(BackendException.class);
      BackendException busyReply = (BackendException) e.getCause();
      assertThat(busyReply.status()).hasValue(429);
      assertThat(busyReply.retryAfter()).hasValue(Duration.ofSeconds(7));
    }
  }
}
