package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.BackendException;
import dev.headroom.core.ConfigException;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import dev.headroom.testkit.llm.LlmFault;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Model groups: a logical model served by the Ollama fleet and deployments on two OpenAI-compatible providers, each
 * with its own key, limits, cooldowns, context window and price.
 */
class ModelGroupTest {
  private static final String OPENAI_KEY = "sk-openai-4Fq9WzR2";
  private static final String AZURE_KEY = "azure-key-8Kd3LmP5";
  private final Fleet fleet = new Fleet();
  private final FakeOpenAi openaiServer = FakeOpenAi.builder("openai").apiKey(OPENAI_KEY).start();
  private final FakeOpenAi azureServer = FakeOpenAi.builder("azure").apiKey(AZURE_KEY).apiKeyHeader("api-key")
      .start();
  private final Provider openai = Provider.builder("openai", openaiServer.uri()).apiKey(OPENAI_KEY).build();
  private final Provider azure = Provider.builder("azure", azureServer.uri()).apiKey(AZURE_KEY)
      .apiKeyHeader("api-key").build();

  @AfterEach
  void close() {
    fleet.close();
    openaiServer.close();
    azureServer.close();
  }

  /** A router over one node that has only {@code qwen2.5} (so the fleet cannot serve {@code llama3.2}). */
  private LlmRouter router(Duration cloudWaitBudget, ModelGroup... groups) {
    fleet.node(FakeOllama.builder("n1").loaded("qwen2.5"));
    LlmRouter.Builder b = fleet.routerBuilder(1).cloudWaitBudget(cloudWaitBudget);
    for (ModelGroup group : groups) {
      b.modelGroup(group);
    }
    return fleet.start(b);
  }

  private static ChatRequest ask(String group, String text) {
    return ChatRequest.chat(group).user(text).maxTokens(8).build();
  }

  private Deployment.Builder onOpenai() {
    return Deployment.on(openai, "gpt-4o-mini");
  }

  private Deployment.Builder onAzure() {
    return Deployment.on(azure, "gpt-4o-mini-az");
  }

  @Test
  void aGroupGoesToItsDeploymentsInOrderEachWithItsOwnKeyInItsOwnHeader() {
    LlmRouter llm = router(Duration.ofSeconds(1), ModelGroup.builder("chat")
        .deployment(Deployment.ollama("qwen2.5").build())
        .deployment(onOpenai().build())
        .deployment(onAzure().build())
        .build());

    ChatResponse first = llm.chat(ask("chat", "hello"));
    assertThat(first.tier()).isEqualTo(LlmRouter.LOCAL);
    assertThat(first.endpoint()).isEqualTo("n1");

    FakeOllama node = fleet.nodes.get(0);
    node.kill(); // the fleet is gone: the next deployment in order serves
    ChatResponse second = llm.chat(ask("chat", "hello again"));
    assertThat(second.tier()).isEqualTo("openai/gpt-4o-mini");
    assertThat(second.endpoint()).isEqualTo("openai/gpt-4o-mini");
    assertThat(openaiServer.requestsFor("gpt-4o-mini")).isEqualTo(1);
    assertThat(openaiServer.authorizations()).containsOnly("Bearer " + OPENAI_KEY);

    openaiServer.kill();
    ChatResponse third = llm.chat(ask("chat", "and again"));
    assertThat(third.tier()).isEqualTo("azure/gpt-4o-mini-az");
    assertThat(azureServer.authorizations()).containsOnly(AZURE_KEY);
    assertThat(azureServer.unauthorized()).isZero();
  }

  @Test
  void aStreamedRequestOfAGroupIsServedByADeploymentAndSettlesTheGroupsSpend() {
    LlmRouter llm = router(Duration.ofSeconds(1), ModelGroup.builder("chat")
        .deployment(onOpenai().price(new ModelPrice(1_000, 1_000)).build())
        .spendLimit(SpendLimit.costPerMinute(100))
        .build());

    StringBuilder text = new StringBuilder();
    ChatResponse streamed = llm.stream(ask("chat", "tell me")).forEach(chunk -> text.append(chunk.text())).join();

    assertThat(streamed.tier()).isEqualTo("openai/gpt-4o-mini");
    assertThat(streamed.text()).isNotEmpty().isEqualTo(text.toString());
    assertThat(openaiServer.bodies()).singleElement()
        .satisfies(body -> assertThat(body.path("stream").asBoolean()).isTrue());
  }

  @Test
  void aRetryAfterFromOneProviderSendsTheGroupToTheOtherWithNoCallToItUntilItHasPassed() {
    LlmRouter llm = router(Duration.ofSeconds(1), ModelGroup.builder("chat")
        .deployment(onOpenai().build())
        .deployment(onAzure().build())
        .build());
    openaiServer.inject(LlmFault.busy(Duration.ofSeconds(2)).times(1));

    ChatResponse answer = llm.chat(ask("chat", "q0"));
    assertThat(answer.tier()).as("the 429 re-routed at once").isEqualTo("azure/gpt-4o-mini-az");
    long calledAt = openaiServer.calls().get(0).arrivedNanos();
    for (int i = 1; i <= 10; i++) {
      assertThat(llm.chat(ask("chat", "q" + i)).tier()).isEqualTo("azure/gpt-4o-mini-az");
    }
    assertThat(openaiServer.calls()).as("no call to the provider during its Retry-After").hasSize(1);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(llm.chat(ask("chat", "later")).tier()).isEqualTo("openai/gpt-4o-mini"));
    assertThat(openaiServer.calls().get(1).arrivedNanos() - calledAt)
        .as("the second call came after the Retry-After").isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos());
  }

  @Test
  void requestsBeyondADeploymentsRateArePacedToItWhileTheWaitFitsTheBudget() {
    LlmRouter llm = router(Duration.ofSeconds(2), ModelGroup.builder("chat")
        .deployment(onOpenai().requestLimit(2, Duration.ofSeconds(1)).build())
        .deployment(onAzure().build())
        .build());

    for (int i = 0; i < 6; i++) {
      assertThat(llm.chat(ask("chat", "q" + i)).tier()).isEqualTo("openai/gpt-4o-mini");
    }

    List<FakeOpenAi.Call> calls = openaiServer.calls();
    assertThat(calls).hasSize(6);
    assertThat(azureServer.requests()).as("paced, not refused").isZero();
    // 2 at once, then one every 500 ms: the sixth call is at least 4 refills (2 s) after the first
    assertThat(calls.get(5).arrivedNanos() - calls.get(0).arrivedNanos())
        .isGreaterThanOrEqualTo(Duration.ofMillis(1_900).toNanos());
  }

  @Test
  void requestsBeyondADeploymentsRateGoToTheNextOneWhenTheWaitWouldPassTheBudget() {
    LlmRouter llm = router(Duration.ofMillis(100), ModelGroup.builder("chat")
        .deployment(onOpenai().requestsPerMinute(2).build())
        .deployment(onAzure().build())
        .build());

    List<String> tiers = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tiers.add(llm.chat(ask("chat", "q" + i)).tier());
    }

    assertThat(tiers).containsExactly("openai/gpt-4o-mini", "openai/gpt-4o-mini", "azure/gpt-4o-mini-az",
        "azure/gpt-4o-mini-az", "azure/gpt-4o-mini-az");
    assertThat(openaiServer.requests()).isEqualTo(2);
  }

  @Test
  void aRequestWithMoreTokensThanADeploymentsTokenLimitGoesOnWithoutBenchingItForSmallerOnes() {
    LlmRouter llm = router(Duration.ofMillis(100), ModelGroup.builder("chat")
        .deployment(onOpenai().tokensPerMinute(200).build())
        .deployment(onAzure().build())
        .build());

    ChatResponse big = llm.chat(ask("chat", "x".repeat(1_200))); // ~300 prompt tokens + 8: more than the bucket
    ChatResponse small = llm.chat(ask("chat", "short"));

    assertThat(big.tier()).isEqualTo("azure/gpt-4o-mini-az");
    assertThat(small.tier()).isEqualTo("openai/gpt-4o-mini");
    assertThat(openaiServer.requests()).isEqualTo(1);
  }

  @Test
  void aPromptLargerThanADeploymentsContextWindowGoesToOneItFitsEstimatedBeforeSending() {
    LlmRouter llm = router(Duration.ofSeconds(1), ModelGroup.builder("chat")
        .deployment(Deployment.ollama("qwen2.5").contextWindow(200).build())
        .deployment(onOpenai().contextWindow(1_000).build())
        .deployment(onAzure().contextWindow(100_000).build())
        .build());

    assertThat(llm.chat(ask("chat", "short")).tier()).isEqualTo(LlmRouter.LOCAL);
    assertThat(llm.chat(ask("chat", "y".repeat(2_000))).tier()).as("~500 tokens").isEqualTo("openai/gpt-4o-mini");
    assertThat(llm.chat(ask("chat", "z".repeat(20_000))).tier()).as("~5000 tokens")
        .isEqualTo("azure/gpt-4o-mini-az");
    assertThat(fleet.nodes.get(0).requestsFor("qwen2.5")).isEqualTo(1);
    assertThat(openaiServer.requests()).isEqualTo(1);

    ContextWindowExceededException tooLarge = catchThrowableOfType(ContextWindowExceededException.class,
        () -> llm.chat(ask("chat", "w".repeat(800_000))));
    assertThat(tooLarge.estimatedTokens()).isEqualTo(200_008);
    assertThat(tooLarge.largestWindow()).isEqualTo(100_000);
    assertThat(tooLarge).hasMessageContaining("model group 'chat'").hasMessageContaining("100000");
    assertThat(azureServer.requests()).as("nothing was sent").isEqualTo(1);
  }

  @Test
  void eachGroupHasItsOwnSpendLimit() {
    Deployment shared = onOpenai().build();
    LlmRouter llm = router(Duration.ofSeconds(1),
        ModelGroup.builder("chat").deployment(shared).spendLimit(SpendLimit.requestsPerMinute(2)).build(),
        ModelGroup.builder("batch").deployment(shared).build());

    llm.chat(ask("chat", "a"));
    llm.chat(ask("chat", "b"));
    SpendLimitExceededException refused = catchThrowableOfType(SpendLimitExceededException.class,
        () -> llm.chat(ask("chat", "c")));

    assertThat(refused.kind()).isEqualTo(SpendLimitExceededException.Kind.REQUESTS);
    assertThat(llm.chat(ask("batch", "d")).tier()).as("another group's budget is its own")
        .isEqualTo("openai/gpt-4o-mini");
    assertThat(openaiServer.requests()).isEqualTo(3);
  }

  @Test
  void aDeploymentThatKeepsFailingCoolsDownAndTheGroupGoesOnWithoutCallingIt() {
    LlmRouter llm = router(Duration.ofSeconds(1), ModelGroup.builder("chat")
        .deployment(onOpenai().cooldownAfter(2, Duration.ofSeconds(30)).build())
        .deployment(onAzure().build())
        .build());
    openaiServer.inject(LlmFault.serverError());

    for (int i = 0; i < 8; i++) {
      assertThat(llm.chat(ask("chat", "q" + i)).tier()).isEqualTo("azure/gpt-4o-mini-az");
    }

    assertThat(openaiServer.requests()).as("two failures, then the cooldown").isEqualTo(2);
  }

  @Test
  void aProvidersKeyNeverAppearsInExceptionsOrToString() {
    Provider wrong = Provider.builder("openai", openaiServer.uri()).apiKey("sk-wrong-Zt7Qp3Lx").build();
    LlmRouter llm = router(Duration.ofSeconds(1), ModelGroup.builder("chat")
        .deployment(Deployment.on(wrong, "gpt-4o-mini").build()).build());

    BackendException refused = catchThrowableOfType(BackendException.class, () -> llm.chat(ask("chat", "q")));

    assertThat(refused.status()).hasValue(401);
    assertThat(openaiServer.authorizations()).contains("Bearer sk-wrong-Zt7Qp3Lx");
    assertThat(refused.getMessage() + refused.bodyExcerpt() + wrong + llm + llm.fleet())
        .doesNotContain("Zt7Qp3Lx").contains(Secret.MASK);
  }

  @Test
  void aRequestWaitingForItsTurnNeverOutlivesItsDeadline() {
    LlmRouter llm = router(Duration.ofSeconds(30), ModelGroup.builder("chat")
        .deployment(onOpenai().requestLimit(1, Duration.ofSeconds(20)).build()).build());
    llm.chat(ask("chat", "first")); // takes the only request of the next 20 s
    Duration timeout = Duration.ofMillis(800);

    long start = System.nanoTime();
    Throwable error = catchThrowable(() -> llm.chat(ChatRequest.chat("chat").user("second").maxTokens(8)
        .timeout(timeout).build()));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plus(Duration.ofSeconds(1)));
    assertThat(error).isInstanceOfAny(RequestTimeoutException.class, NoCapacityException.class);
    assertThat(openaiServer.requests()).isEqualTo(1);
  }

  @Test
  void embeddingsOfAGroupGoToItsDeploymentsToo() {
    LlmRouter llm = router(Duration.ofSeconds(1), ModelGroup.builder("embed")
        .deployment(Deployment.on(openai, "text-embedding-3-small").build())
        .deployment(Deployment.on(azure, "text-embedding-3-small").build())
        .build());
    openaiServer.kill();

    EmbedResponse vectors = llm.embed(EmbedRequest.of("embed", "a", "b"));

    assertThat(vectors.tier()).isEqualTo("azure/text-embedding-3-small");
    assertThat(vectors.vectors()).hasSize(2);
    assertThat(azureServer.requestsFor("text-embedding-3-small")).isEqualTo(1);
  }

  @Test
  void badGroupsAreRefusedNamingWhatIsWrong() {
    fleet.node(FakeOllama.builder("n1").loaded(MODEL));
    assertThatThrownBy(() -> fleet.routerBuilder(1).modelGroup(ModelGroup.builder("a")
        .deployment(onOpenai().build()).build())
        .modelGroup(ModelGroup.builder("b").deployment(onOpenai().maxConcurrency(2).build()).build()).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("modelGroups[1].deployments[0].id")
        .hasMessageContaining("openai/gpt-4o-mini");
    assertThatThrownBy(() -> fleet.routerBuilder(1).modelGroup(ModelGroup.builder("a")
        .deployment(onOpenai().id("n1").build()).build()).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("must not be a node's id");
    assertThatThrownBy(() -> ModelGroup.builder("a").deployment(Deployment.ollama(MODEL).build())
        .deployment(Deployment.ollama("qwen2.5").build()).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("at most one Ollama deployment");
    assertThatThrownBy(() -> ModelGroup.builder("a").deployment(onOpenai().build())
        .spendLimit(SpendLimit.costPerMinute(1)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("deployments[0].price");
    assertThatThrownBy(() -> Deployment.ollama(MODEL).requestsPerMinute(10).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("only a context window");
    assertThatThrownBy(() -> onOpenai().requestLimit(-1, Duration.ofSeconds(1)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("requestLimit");
    assertThatThrownBy(() -> Provider.builder("a/b", openaiServer.uri()).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("'/'");
  }
}
