package dev.headroom.llm;

import static dev.headroom.llm.Fleet.CLOUD_MODEL;
import static dev.headroom.llm.Fleet.MODEL;
import static dev.headroom.llm.Fleet.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.headroom.core.BackendException;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CloudTest {
  private static final String SECRET = "sk-live-7Hq2RbX9vN4mZ8";
  private final Fleet fleet = new Fleet();

  @AfterEach
  void close() {
    fleet.close();
  }

  /** A fleet whose only node lacks the model, so every request overflows to the cloud. */
  private LlmRouter cloudOnly(CloudConfig.Builder cloud) {
    fleet.node(FakeOllama.builder("n").loaded("qwen2.5"));
    return fleet.start(fleet.routerBuilder(1).cloud(cloud.build()));
  }

  private static String everything(Throwable e) {
    StringWriter text = new StringWriter();
    e.printStackTrace(new PrintWriter(text));
    return text + "\n" + e;
  }

  @Test
  void theApiKeyNeverAppearsInLogsExceptionsOrToString() throws Exception {
    FakeOpenAi cloud = fleet.cloud(FakeOpenAi.builder("cloud").apiKey("the-right-key"));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setErr(capture);
    System.setOut(capture);
    StringBuilder seen = new StringBuilder();
    try {
      LlmRouter router = cloudOnly(Fleet.cloudConfig(cloud).apiKey(SECRET));
      BackendException refused = catchThrowableOfType(BackendException.class, () -> router.chat(ask("q")));
      Collector stream = new Collector();
      router.stream(ask("q")).subscribe(stream);
      stream.await();

      assertThat(refused.status()).hasValue(401);
      assertThat(refused.getMessage()).contains("Incorrect API key provided: " + Secret.MASK);
      seen.append(everything(refused)).append(refused.bodyExcerpt());
      seen.append(everything(stream.error)).append(router).append(router.fleet());
      assertThat(stream.error).isInstanceOf(BackendException.class);
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(cloud.authorizations()).as("the key was really sent").contains("Bearer " + SECRET);
    assertThat(logs).as("the failures were logged").contains("cloud call failed");
    assertThat(logs).doesNotContain(SECRET).doesNotContain("7Hq2RbX9");
    assertThat(seen.toString()).doesNotContain(SECRET).doesNotContain("7Hq2RbX9");
  }

  @Test
  void theSpendLimitRefusesOverflowPastTheRequestBudgetWithATypedError() {
    FakeOpenAi cloud = fleet.cloud(FakeOpenAi.builder("cloud"));
    LlmRouter router = cloudOnly(Fleet.cloudConfig(cloud).spendLimit(SpendLimit.requestsPerMinute(3)));

    for (int i = 0; i < 3; i++) {
      assertThat(router.chat(ask("q" + i)).tier()).isEqualTo(LlmRouter.CLOUD);
    }
    SpendLimitExceededException e =
        catchThrowableOfType(SpendLimitExceededException.class, () -> router.chat(ask("one more")));

    assertThat(e.kind()).isEqualTo(SpendLimitExceededException.Kind.REQUESTS);
    assertThat(e.getMessage()).contains("over the limit of 3 requests per minute");
    assertThat(cloud.requests()).isEqualTo(3);
    assertThat(router.cloudRequestsLastMinute()).isEqualTo(3);
    Counter refused = fleet.registry.find(LlmMetricNames.CLOUD_REFUSED).tag("kind", "requests").counter();
    assertThat(refused).isNotNull();
    assertThat(refused.count()).isEqualTo(1);
  }

  @Test
  void theSpendLimitRefusesARequestWhoseEstimatedCostWouldPassTheCostBudget() {
    FakeOpenAi cloud = fleet.cloud(FakeOpenAi.builder("cloud"));
    LlmRouter router = cloudOnly(Fleet.cloudConfig(cloud).price(CLOUD_MODEL, new ModelPrice(1.0, 10.0))
        .spendLimit(SpendLimit.costPerMinute(0.008)));

    // 100 answer tokens at $10/M = $0.001: fits; 1000 tokens = $0.01: does not
    assertThat(router.chat(ChatRequest.chat(MODEL).user("q").maxTokens(100).build()).tier())
        .isEqualTo(LlmRouter.CLOUD);
    SpendLimitExceededException e = catchThrowableOfType(SpendLimitExceededException.class,
        () -> router.chat(ChatRequest.chat(MODEL).user("q").maxTokens(1000).build()));

    assertThat(e.kind()).isEqualTo(SpendLimitExceededException.Kind.COST);
    assertThat(cloud.requests()).isEqualTo(1);
    assertThat(router.cloudCostLastMinute()).isGreaterThan(0).isLessThan(0.001); // settled to the real usage
  }

  @Test
  void aStreamOverflowsToTheCloudOverServerSentEvents() throws Exception {
    FakeOpenAi cloud = fleet.cloud(FakeOpenAi.builder("cloud").answerTokens(6));
    LlmRouter router = cloudOnly(Fleet.cloudConfig(cloud));

    ChatStream stream = router.stream(ask("stream me"));
    Collector c = new Collector();
    stream.subscribe(c);
    c.await();

    assertThat(c.completions.get()).isEqualTo(1);
    assertThat(c.text()).isEqualTo(cloud.answerFor(CLOUD_MODEL, "stream me", 100));
    ChatResponse done = stream.result().join();
    assertThat(done.tier()).isEqualTo(LlmRouter.CLOUD);
    assertThat(done.completionTokens()).isEqualTo(6);
    assertThat(cloud.bodies().get(0).path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void embeddingsAreServedLocallyWhenANodeHasTheModelAndByTheCloudOtherwise() {
    fleet.node(FakeOllama.builder("n").loaded("all-minilm").embeddingDims(8));
    FakeOpenAi cloud = fleet.cloud(FakeOpenAi.builder("cloud").embeddingDims(16));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).cloud(CloudConfig.builder(cloud.uri())
        .model("all-minilm", "text-embedding-3-small").model("nomic-embed-text", "text-embedding-3-small")
        .build()));

    EmbedResponse local = router.embed(EmbedRequest.of("all-minilm", "a", "b"));
    EmbedResponse remote = router.embed(EmbedRequest.of("nomic-embed-text", "a", "b", "c"));

    assertThat(local.tier()).isEqualTo(LlmRouter.LOCAL);
    assertThat(local.vectors()).hasSize(2).allSatisfy(v -> assertThat(v).hasSize(8));
    assertThat(remote.tier()).isEqualTo(LlmRouter.CLOUD);
    assertThat(remote.model()).isEqualTo("text-embedding-3-small");
    assertThat(remote.vectors()).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(16));
  }

  @Test
  void aModelWithNoLocalNodeAndNoCloudMappingFailsWithModelNotFoundNamingWhatTheNodesHave() {
    FakeOpenAi cloud = fleet.cloud(FakeOpenAi.builder("cloud"));
    LlmRouter router = cloudOnly(CloudConfig.builder(cloud.uri()));

    ModelNotFoundException e = catchThrowableOfType(ModelNotFoundException.class, () -> router.chat(ask("q")));

    assertThat(e.model()).isEqualTo(Fleet.MODEL);
    assertThat(e.knownModels()).containsExactly("qwen2.5:latest");
    assertThat(cloud.requests()).isZero();
  }
}
