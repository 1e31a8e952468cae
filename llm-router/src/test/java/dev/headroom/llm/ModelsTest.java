package dev.headroom.llm;

import static dev.headroom.llm.Fleet.CLOUD_MODEL;
import static dev.headroom.llm.Fleet.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.headroom.core.Outcome;
import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What replies say about models: a model nobody has is a typed error naming it, a node's 404 is a client error,
 * replies carry why generation stopped, and the model name the server reported.
 */
class ModelsTest {
  private final Fleet fleet = new Fleet();

  @AfterEach
  void close() {
    fleet.close();
  }

  @Test
  void aModelNoNodeHasIsAModelNotFoundErrorNamingItAndWhatTheNodesHave() throws Exception {
    fleet.node(FakeOllama.builder("a").loaded(MODEL).model("all-minilm"));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    ModelNotFoundException e = catchThrowableOfType(ModelNotFoundException.class,
        () -> router.chat(ChatRequest.chat("llama9").user("hi").build()));

    assertThat(e.model()).isEqualTo("llama9");
    assertThat(e.endpoint()).isEqualTo("llm");
    assertThat(e.knownModels()).containsExactly("all-minilm:latest", "llama3.2:latest");
    assertThat(e.getMessage()).contains("model 'llama9' is on no node")
        .contains("all-minilm:latest, llama3.2:latest");

    Collector c = new Collector();
    router.stream(ChatRequest.chat("llama9").user("hi").build()).subscribe(c);
    c.await();
    assertThat(c.error).isInstanceOf(ModelNotFoundException.class);
  }

  @Test
  void aNode404ForAModelIsAClientErrorNotBusyAndTheModelIsForgottenThere() {
    FakeOllama a = fleet.node(FakeOllama.builder("a").loaded(MODEL));
    FakeOllama b = fleet.node(FakeOllama.builder("b").model(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).pollInterval(Duration.ofMinutes(10)));
    a.remove(MODEL); // the catalog still says a has it (and has it loaded, so a is preferred)

    ModelNotFoundException e = catchThrowableOfType(ModelNotFoundException.class, () -> router.chat(Fleet.ask("q")));

    assertThat(e.endpoint()).isEqualTo("a");
    assertThat(e.status()).hasValue(404);
    assertThat(b.generations()).as("a client error is not re-sent elsewhere").isZero();
    assertThat(fleet.outcomes("a", Outcome.CLIENT_ERROR)).isEqualTo(1);
    assertThat(fleet.outcomes("a", Outcome.BUSY)).isZero();
    assertThat(router.chat(Fleet.ask("q")).endpoint()).as("the model is forgotten on a").isEqualTo("b");
  }

  @Test
  void ollamaRepliesCarryTheDoneReasonStreamedOrNot() throws Exception {
    fleet.node(FakeOllama.builder("a").loaded(MODEL).answerTokens(12));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    ChatResponse whole = router.chat(Fleet.ask("q"));
    ChatResponse cut = router.chat(ChatRequest.chat(MODEL).user("q").maxTokens(3).build());
    ChatStream stream = router.stream(ChatRequest.chat(MODEL).user("q").maxTokens(3).build());
    stream.subscribe(new Collector());

    assertThat(whole.doneReason()).isEqualTo("stop");
    assertThat(whole.truncated()).isFalse();
    assertThat(cut.doneReason()).isEqualTo("length");
    assertThat(cut.truncated()).isTrue();
    assertThat(stream.result().get().doneReason()).isEqualTo("length");
  }

  @Test
  void cloudRepliesCarryTheFinishReasonStreamedOrNot() throws Exception {
    fleet.node(FakeOllama.builder("n").loaded("qwen2.5"));
    FakeOpenAi cloud = fleet.cloud(FakeOpenAi.builder("cloud").answerTokens(12));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).cloud(Fleet.cloudConfig(cloud).build()));

    ChatResponse whole = router.chat(Fleet.ask("q"));
    ChatResponse cut = router.chat(ChatRequest.chat(MODEL).user("q").maxTokens(3).build());
    ChatStream stream = router.stream(ChatRequest.chat(MODEL).user("q").maxTokens(3).build());
    stream.subscribe(new Collector());

    assertThat(whole.tier()).isEqualTo(LlmRouter.CLOUD);
    assertThat(whole.doneReason()).isEqualTo("stop");
    assertThat(cut.doneReason()).isEqualTo("length");
    assertThat(stream.result().get().doneReason()).isEqualTo("length");
    assertThat(stream.result().get().model()).isEqualTo(CLOUD_MODEL);
  }

  @Test
  void theReplyModelIsTheNameTheServerReportedStreamedOrNotAndForEmbeddings() throws Exception {
    String served = "llama3.2:3b-instruct-q4_K_M";
    String done = "{\"model\":\"" + served + "\",\"message\":{\"role\":\"assistant\",\"content\":\"Blue.\"},"
        + "\"done\":true,\"done_reason\":\"stop\",\"eval_count\":2,\"eval_duration\":1000}";
    try (HostileServer server = HostileOllama.node(HostileOllama.json(done), false)) {
      LlmRouter router = fleet.start(LlmRouter.builder().node(OllamaNode.of("h", server.uri(), 1)).noHealthCheck());

      ChatResponse whole = router.chat(Fleet.ask("q"));
      server.on("/api/chat", Misbehaviour.lines(Duration.ofMillis(10), 0, done));
      ChatStream stream = router.stream(Fleet.ask("q"));
      stream.subscribe(new Collector());

      assertThat(whole.model()).isEqualTo(served);
      assertThat(stream.result().get().model()).isEqualTo(served);
      assertThat(stream.result().get().doneReason()).isEqualTo("stop");

      server.on("/api/embed", Misbehaviour.answer(200, "application/json",
          "{\"model\":\"" + served + "\",\"embeddings\":[[0.5,0.25]]}"));
      assertThat(router.embed(EmbedRequest.of(MODEL, "a")).model()).isEqualTo(served);
    }
  }

  @Test
  void aColdLoadThatWouldEvictAModelInUseIsPricedSoTheLoadGoesWhereItEvictsNothing() {
    // "full" is twice as fast but already holds its OLLAMA_MAX_LOADED_MODELS (2): loading a third evicts one
    FakeOllama full = fleet.node(FakeOllama.builder("full").loaded("m1", "m2").model("m3"));
    FakeOllama roomy = fleet.node(FakeOllama.builder("roomy").model("m1", "m2", "m3"));
    LlmRouter router = fleet.start(LlmRouter.builder().meterRegistry(fleet.registry).noHealthCheck()
        .pollInterval(Duration.ofMillis(200))
        .node(new OllamaNode(full.name(), full.uri(), 1, 2.0).withMaxLoadedModels(2))
        .node(OllamaNode.of(roomy.name(), roomy.uri(), 1).withMaxLoadedModels(2)));

    for (int i = 0; i < 5; i++) {
      assertThat(router.chat(ChatRequest.chat("m3").user("q" + i).build()).endpoint()).isEqualTo("roomy");
    }
    assertThat(full.requestsFor("m3")).isZero();
    assertThatThrownBy(() -> OllamaNode.of("n", "http://127.0.0.1:1", 1).withMaxLoadedModels(-1))
        .isInstanceOf(dev.headroom.core.ConfigException.class).hasMessageContaining("maxLoadedModels");
  }
}
