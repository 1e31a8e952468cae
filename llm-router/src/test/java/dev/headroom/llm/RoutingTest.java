package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static dev.headroom.llm.Fleet.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.EndpointState;
import dev.headroom.core.Health;
import dev.headroom.core.Outcome;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import dev.headroom.testkit.llm.LlmFault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoutingTest {
  private final Fleet fleet = new Fleet();
  private final ExecutorService clients = Executors.newFixedThreadPool(200);

  @AfterEach
  void close() throws InterruptedException {
    clients.shutdownNow();
    clients.awaitTermination(10, TimeUnit.SECONDS);
    fleet.close();
  }

  private List<ChatResponse> concurrently(int count, LlmRouter router) {
    List<CompletableFuture<ChatResponse>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ChatRequest request = ask("question " + i);
      futures.add(CompletableFuture.supplyAsync(() -> router.chat(request), clients));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  @Test
  void aNodeWithTheModelLoadedIsPreferredOverOneThatWouldHaveToLoadIt() {
    FakeOllama cold = fleet.node(FakeOllama.builder("a-cold").model(MODEL).coldLoad(Duration.ofMillis(300)));
    FakeOllama warm = fleet.node(FakeOllama.builder("b-warm").loaded(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(2));

    for (int i = 0; i < 10; i++) {
      assertThat(router.chat(ask("q" + i)).endpoint()).isEqualTo("b-warm");
    }
    assertThat(cold.requestsFor(MODEL)).isZero();
    assertThat(warm.requestsFor(MODEL)).isEqualTo(10);
    assertThat(router.fleet()).filteredOn(s -> s.id().equals("b-warm")).singleElement()
        .satisfies(s -> assertThat(s.modelsLoaded()).contains("llama3.2:latest"));
  }

  @Test
  void aModelMissingFromANodesTagsIsNeverSentToIt() {
    FakeOllama without = fleet.node(FakeOllama.builder("a-without").loaded("qwen2.5"));
    FakeOllama with = fleet.node(FakeOllama.builder("b-with").loaded(MODEL).tokensPerSecond(100));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).localWaitBudget(Duration.ofSeconds(30)));

    List<ChatResponse> answers = concurrently(12, router);

    assertThat(answers).allSatisfy(a -> assertThat(a.endpoint()).isEqualTo("b-with"));
    assertThat(without.generations()).as("requests that reached the node without the model").isZero();
    assertThat(with.requestsFor(MODEL)).isEqualTo(12);
  }

  @Test
  void whenEveryLocalNodeIsSaturatedTheOverflowGoesToTheCloudCountedAsSaturated() {
    FakeOllama a = fleet.node(FakeOllama.builder("a").loaded(MODEL).tokensPerSecond(20));
    FakeOllama b = fleet.node(FakeOllama.builder("b").loaded(MODEL).tokensPerSecond(20));
    FakeOpenAi cloud = fleet.cloud(FakeOpenAi.builder("cloud"));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).localWaitBudget(Duration.ofMillis(50))
        .cloud(Fleet.cloudConfig(cloud).build()));

    List<ChatResponse> answers = concurrently(10, router);

    long inCloud = answers.stream().filter(r -> r.tier().equals(LlmRouter.CLOUD)).count();
    assertThat(inCloud).isGreaterThanOrEqualTo(6);
    assertThat(answers).filteredOn(r -> r.tier().equals(LlmRouter.CLOUD))
        .allSatisfy(r -> assertThat(r.model()).isEqualTo(Fleet.CLOUD_MODEL));
    assertThat(cloud.requestsFor(Fleet.CLOUD_MODEL)).isEqualTo(inCloud);
    assertThat(fleet.spillover(LlmRouter.LOCAL, LlmRouter.CLOUD, "SATURATED")).isEqualTo(inCloud);
    assertThat(a.maxInService()).isEqualTo(1);
    assertThat(b.maxInService()).isEqualTo(1);
  }

  @Test
  void aNodeGetsAtMostItsNumParallelRequestsAndTheRestWaitClientSide() {
    FakeOllama node = fleet.node(FakeOllama.builder("n").loaded(MODEL).parallel(4).tokensPerSecond(100));
    LlmRouter router = fleet.start(fleet.routerBuilder(2).localWaitBudget(Duration.ofSeconds(30)));

    List<ChatResponse> answers = concurrently(10, router);

    assertThat(answers).hasSize(10);
    assertThat(node.maxInService()).as("the fake could serve 4 at once; the router sends 2").isEqualTo(2);
  }

  @Test
  void aServerBusyReplyIsReroutedAtOnceWithoutEjectingTheNode() {
    FakeOllama busy = fleet.node(FakeOllama.builder("a-busy").loaded(MODEL));
    fleet.node(FakeOllama.builder("b-free").loaded(MODEL));
    busy.inject(LlmFault.busy());
    LlmRouter router = fleet.start(fleet.routerBuilder(2));

    for (int i = 0; i < 30; i++) {
      assertThat(router.chat(ask("q" + i)).endpoint()).isEqualTo("b-free");
    }
    EndpointState state = router.localPool().endpoint("a-busy").orElseThrow();
    assertThat(busy.busyReplies()).isGreaterThanOrEqualTo(5); // more than outlier detection's 5 in a row
    assertThat(state.ejections()).isZero();
    assertThat(state.health(router.localPool().ticker().read())).isEqualTo(Health.UP);
    assertThat(fleet.outcomes("a-busy", Outcome.BUSY)).isEqualTo(busy.busyReplies());
    assertThat(fleet.outcomes("a-busy", Outcome.FAILURE)).isZero();
  }

  @Test
  void oneOfThreeNodesKilledUnder200ConcurrentRequestsCausesNoClientVisibleFailure() {
    for (String id : List.of("n1", "n2", "n3")) {
      fleet.node(FakeOllama.builder(id).loaded(MODEL).parallel(4).tokensPerSecond(150));
    }
    LlmRouter router = fleet.start(fleet.routerBuilder(4).localWaitBudget(Duration.ofSeconds(60)));
    FakeOllama victim = fleet.nodes.get(1);

    List<CompletableFuture<ChatResponse>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ChatRequest request = ask("question " + i);
      futures.add(CompletableFuture.supplyAsync(() -> router.chat(request), clients));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> victim.generations() >= 12 && victim.pending() > 0);
    victim.kill();

    List<ChatResponse> answers = futures.stream().map(CompletableFuture::join).toList();
    assertThat(answers).hasSize(200).allSatisfy(a -> assertThat(a.text()).isNotEmpty());
    assertThat(answers).filteredOn(a -> a.endpoint().equals("n2")).hasSizeLessThan(200 / 3);
    assertThat(fleet.outcomes("n2", Outcome.FAILURE)).as("requests cut off by the kill").isPositive();
    assertThat(router.localPool().inFlight()).isZero();
  }

  @Test
  void aliasesResolveToTheModelAndGenerateRequestsUseTheGenerateEndpoint() {
    FakeOllama node = fleet.node(FakeOllama.builder("n").loaded("llama3.2:3b"));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).alias("chat", "llama3.2:3b"));

    ChatResponse answer = router.chat(ChatRequest.generate("chat", "Why is the sky blue?").maxTokens(5).build());

    assertThat(answer.text()).isEqualTo(node.answerFor("llama3.2:3b", "Why is the sky blue?", 0, 5));
    assertThat(answer.completionTokens()).isEqualTo(5);
    assertThat(node.requestsFor("llama3.2:3b")).isEqualTo(1);
  }

  @Test
  void timeToFirstTokenAndTokenRateAreMeasuredSeparatelySoLongAnswersDoNotLookSlow() {
    fleet.node(FakeOllama.builder("n").loaded(MODEL).tokensPerSecond(200).answerTokens(60)
        .promptEval(Duration.ofMillis(30)));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    ChatResponse shortAnswer = router.chat(ChatRequest.chat(MODEL).user("a").maxTokens(3).build());
    ChatResponse longAnswer = router.chat(ChatRequest.chat(MODEL).user("b").maxTokens(60).build());

    assertThat(longAnswer.completionTokens()).isEqualTo(60);
    assertThat(shortAnswer.tokensPerSecond()).isBetween(100.0, 260.0);
    assertThat(longAnswer.tokensPerSecond()).isBetween(100.0, 260.0);
    // the long answer took ~10x longer in total, but its time to first token is that of the short one
    assertThat(longAnswer.timeToFirstToken()).isLessThan(Duration.ofMillis(200));
    assertThat(router.fleet().get(0).tokensPerSecond()).isBetween(100.0, 260.0);
  }

  @Test
  void aNodeThatReportsAModelMissingIsForgottenForThatModelAndLaterRequestsGoElsewhere() {
    FakeOllama stale = fleet.node(FakeOllama.builder("a-stale").loaded(MODEL));
    fleet.node(FakeOllama.builder("b").model(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).pollInterval(Duration.ofMinutes(10)));
    stale.remove(MODEL); // removed after the router read the tags

    // the 404 is a client error for the request that met it (not re-sent), and the model is forgotten there
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> router.chat(ask("q"))))
        .isInstanceOf(ModelNotFoundException.class);
    for (int i = 0; i < 5; i++) {
      assertThat(router.chat(ask("q" + i)).endpoint()).isEqualTo("b");
    }
    assertThat(stale.generations()).isEqualTo(1);
    assertThat(fleet.outcomes("a-stale", Outcome.FAILURE)).isZero();
  }

  @Test
  void theSecondPoolTakesTheLocalOverflowBeforeTheCloud() {
    fleet.node(FakeOllama.builder("local-1").loaded(MODEL).tokensPerSecond(20));
    FakeOllama remote = fleet.other(FakeOllama.builder("remote-1").loaded(MODEL).parallel(8));
    FakeOpenAi cloud = fleet.cloud(FakeOpenAi.builder("cloud"));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).localWaitBudget(Duration.ofMillis(20))
        .remoteNode(OllamaNode.of("remote-1", remote.uri(), 8)).cloud(Fleet.cloudConfig(cloud).build()));

    List<ChatResponse> answers = concurrently(6, router);

    assertThat(answers).extracting(ChatResponse::tier).contains(LlmRouter.LOCAL, LlmRouter.REMOTE)
        .doesNotContain(LlmRouter.CLOUD);
    assertThat(remote.requestsFor(MODEL)).isPositive();
    assertThat(fleet.spillover(LlmRouter.LOCAL, LlmRouter.REMOTE, "SATURATED")).isEqualTo(remote.requestsFor(MODEL));
    assertThat(cloud.requests()).isZero();
  }
}
