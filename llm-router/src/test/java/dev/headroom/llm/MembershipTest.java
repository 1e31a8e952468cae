package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static dev.headroom.llm.Fleet.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.Health;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.DiscoverySource;
import dev.headroom.core.discovery.MembershipSync;
import dev.headroom.core.discovery.MembershipTarget;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nodes added, drained and removed while requests flow (issue 14 item 1). */
class MembershipTest {
  private static final Duration BOUND = Duration.ofSeconds(15);

  private final Fleet fleet = new Fleet();
  private final ExecutorService clients = Executors.newCachedThreadPool();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  /** Answers per node, and per node those that finished after its removal began. */
  private final Map<String, AtomicLong> answered = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> answeredAfterRemoval = new ConcurrentHashMap<>();
  private final Map<String, Boolean> removalStarted = new ConcurrentHashMap<>();

  @AfterEach
  void close() throws InterruptedException {
    running.set(false);
    clients.shutdownNow();
    clients.awaitTermination(10, TimeUnit.SECONDS);
    fleet.close();
  }

  private void steadyLoad(LlmRouter router, int threads) {
    for (int t = 0; t < threads; t++) {
      int thread = t;
      clients.execute(() -> {
        for (int i = 0; running.get(); i++) {
          try {
            ChatResponse answer = router.chat(ask("thread " + thread + " question " + i));
            answered.computeIfAbsent(answer.endpoint(), k -> new AtomicLong()).incrementAndGet();
            if (removalStarted.containsKey(answer.endpoint())) {
              answeredAfterRemoval.computeIfAbsent(answer.endpoint(), k -> new AtomicLong()).incrementAndGet();
            }
          } catch (Throwable e) {
            if (running.get()) {
              errors.add(e);
            }
          }
        }
      });
    }
  }

  private long answers(String node) {
    AtomicLong count = answered.get(node);
    return count == null ? 0 : count.get();
  }

  @Test
  void scalingTwoToFourToOneUnderSteadyLoadLosesNoRequestAndDrainsTheRemovedNodes() {
    FakeOllama a = fleet.node(FakeOllama.builder("a").loaded(MODEL));
    FakeOllama b = fleet.node(FakeOllama.builder("b").loaded(MODEL));
    FakeOllama c = fleet.other(FakeOllama.builder("c").loaded(MODEL));
    FakeOllama d = fleet.other(FakeOllama.builder("d").loaded(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(2).localWaitBudget(Duration.ofSeconds(20)));
    steadyLoad(router, 6);
    await().atMost(BOUND).until(() -> answers("a") > 0 && answers("b") > 0);

    // 2 -> 4: the new nodes are read at once and carry work
    CompletableFuture.allOf(router.addNode(OllamaNode.of("c", c.uri(), 2)),
        router.addNode(OllamaNode.of("d", d.uri(), 2))).join();
    assertThat(router.fleet()).extracting(NodeStatus::id).containsExactly("a", "b", "c", "d");
    await().atMost(BOUND).until(() -> c.generations() > 5 && d.generations() > 5);

    // 4 -> 1: b is slow, so a request is in flight on it when it is removed
    long arrivedBefore = b.generations();
    b.slowDown(25);
    // a request that arrived after the slow-down (about 2 s at b now) is in flight: one already being answered at
    // the old speed could finish before the removal begins and leave nothing to drain
    await().atMost(BOUND).until(() -> b.generations() > arrivedBefore && b.pending() > 0);
    removalStarted.put("b", true);
    removalStarted.put("c", true);
    removalStarted.put("d", true);
    CompletableFuture<Void> bGone = router.removeNode("b");
    CompletableFuture<Void> cGone = router.removeNode("c");
    CompletableFuture<Void> dGone = router.removeNode("d");
    assertThat(router.fleet()).filteredOn(s -> s.id().equals("b")).singleElement()
        .satisfies(s -> assertThat(s.draining()).isTrue());
    long bAtRemoval = b.generations();

    CompletableFuture.allOf(bGone, cGone, dGone).orTimeout(BOUND.toSeconds(), TimeUnit.SECONDS).join();
    long bAfter = b.generations();
    long cAfter = c.generations();
    long dAfter = d.generations();
    assertThat(router.fleet()).extracting(NodeStatus::id).containsExactly("a");
    // the drain completes when b's lease is released, just before router.chat returns the answer to its caller
    await().atMost(BOUND).untilAsserted(() -> assertThat(answeredAfterRemoval.get("b"))
        .as("the slow request in flight on b finished with its answer")
        .isNotNull().satisfies(n -> assertThat(n.get()).isPositive()));
    assertThat(bAfter).as("requests that reached b after its removal began (leases held then)")
        .isLessThanOrEqualTo(bAtRemoval + 2);
    assertThat(b.pending()).isZero();

    long aBefore = a.generations();
    await().atMost(BOUND).until(() -> a.generations() > aBefore + 20);
    running.set(false);
    assertThat(b.generations()).as("requests to b after it was removed").isEqualTo(bAfter);
    assertThat(c.generations()).as("requests to c after it was removed").isEqualTo(cAfter);
    assertThat(d.generations()).as("requests to d after it was removed").isEqualTo(dAfter);
    assertThat(errors).as("client-visible errors").isEmpty();
  }

  @Test
  void aRouterStartedEmptyOverflowsToTheCloudUntilItsFirstNodeArrives() {
    FakeOllama a = fleet.other(FakeOllama.builder("a").loaded(MODEL));
    fleet.cloud(FakeOpenAi.builder("cloud"));
    LlmRouter router = fleet.start(fleet.routerBuilder(2).startEmpty().cloud(Fleet.cloudConfig(fleet.cloud).build()));
    assertThat(router.fleet()).extracting(NodeStatus::tier).containsOnly(LlmRouter.CLOUD);
    assertThat(router.chat(ask("before")).endpoint()).as("no local node yet").isNotEqualTo("a");

    router.addNode(OllamaNode.of("a", a.uri(), 2)).join();
    assertThat(router.chat(ask("after")).endpoint()).isEqualTo("a");
  }

  @Test
  void withoutStartEmptyARouterNeedsANode() {
    assertThatThrownBy(() -> LlmRouter.builder().build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("nodes");
  }

  /** A source the test reports sets through. */
  private static final class Pushed implements DiscoverySource {
    private volatile Listener listener;

    @Override
    public String name() {
      return "pushed";
    }

    @Override
    public void start(Listener value) {
      this.listener = value;
    }

    void push(DiscoveredMember... members) {
      listener.onMembers(List.of(members));
    }

    @Override
    public void close() {}
  }

  @Test
  void aMembershipSyncMovesTheRoutersNodesWithItsSourceAndANewNodeServesAfterItsFirstProbe() {
    FakeOllama a = fleet.node(FakeOllama.builder("a").loaded(MODEL));
    FakeOllama b = fleet.other(FakeOllama.builder("b").loaded(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(2).healthCheckInterval(Duration.ofMillis(200)));
    Pushed source = new Pushed();
    try (MembershipSync sync = MembershipSync.builder(source, router.membership(m -> OllamaNode.of(m.id(), m.uri(), 2)))
        .name("ollama").drainTimeout(Duration.ofSeconds(10)).start()) {
      source.push(DiscoveredMember.of("a", a.uri()), DiscoveredMember.of("b", b.uri()));
      await().atMost(BOUND).until(() -> router.fleet().stream().anyMatch(s -> s.id().equals("b")
          && s.health() == Health.UP && !s.modelsOnDisk().isEmpty()));

      source.push(DiscoveredMember.of("b", b.uri())); // a is gone from the source: drained, then removed
      await().atMost(BOUND).until(() -> router.fleet().stream().map(NodeStatus::id).toList().equals(List.of("b")));
      long aRequests = a.generations();
      for (int i = 0; i < 5; i++) {
        assertThat(router.chat(ask("q" + i)).endpoint()).isEqualTo("b");
      }
      assertThat(a.generations()).isEqualTo(aRequests);
    }
  }

  @Test
  void aNodeAddedForAModelNoOtherNodeHasServesItOnceItsTagsAreRead() {
    fleet.node(FakeOllama.builder("a").loaded(MODEL));
    FakeOllama qwen = fleet.other(FakeOllama.builder("q").loaded("qwen2.5"));
    LlmRouter router = fleet.start(fleet.routerBuilder(2));
    assertThatThrownBy(() -> router.chat(ChatRequest.chat("qwen2.5").user("hi").build()))
        .isInstanceOf(ModelNotFoundException.class);

    router.addNode(OllamaNode.of("q", qwen.uri(), 2)).join();

    assertThat(router.chat(ChatRequest.chat("qwen2.5").user("hi").build()).endpoint()).isEqualTo("q");
    router.removeNode("q").join();
    assertThatThrownBy(() -> router.chat(ChatRequest.chat("qwen2.5").user("hi").build()))
        .isInstanceOf(ModelNotFoundException.class);
    assertThat(router.fleet()).extracting(NodeStatus::id).containsExactly("a");
  }

  @Test
  void aRemovalCutsWhatIsStillInFlightAfterItsDrainTimeoutAndTheRequestIsRetriedElsewhere() {
    FakeOllama stuck = fleet.node(FakeOllama.builder("a-stuck").loaded(MODEL));
    fleet.node(FakeOllama.builder("b-fine").loaded(MODEL).tokensPerSecond(20));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));
    stuck.slowDown(1000); // minutes per answer
    // the first request goes to a-stuck (b-fine is slower on paper); more would wait or go to b-fine
    CompletableFuture<ChatResponse> answer = CompletableFuture.supplyAsync(() -> router.chat(ask("q")), clients);
    await().atMost(BOUND).until(() -> stuck.pending() > 0);

    router.removeNode("a-stuck", Duration.ofMillis(200)).orTimeout(BOUND.toSeconds(), TimeUnit.SECONDS).join();

    assertThat(answer.orTimeout(BOUND.toSeconds(), TimeUnit.SECONDS).join().endpoint()).isEqualTo("b-fine");
    assertThat(router.fleet()).extracting(NodeStatus::id).containsExactly("b-fine");
  }

  @Test
  void aDrainedNodeGetsNoRequestsUntilItIsResumed() {
    FakeOllama a = fleet.node(FakeOllama.builder("a").loaded(MODEL));
    FakeOllama b = fleet.node(FakeOllama.builder("b").loaded(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(2));

    router.drainNode("b").join();
    for (int i = 0; i < 10; i++) {
      assertThat(router.chat(ask("q" + i)).endpoint()).isEqualTo("a");
    }
    assertThat(b.generations()).isZero();
    router.resumeNode("b");
    assertThat(router.fleet()).allSatisfy(s -> assertThat(s.draining()).isFalse());
    a.slowDown(50);
    await().atMost(BOUND).until(() -> {
      router.chat(ask("again"));
      return b.generations() > 0;
    });
    assertThat(router.drainNode("nobody")).isDone();
  }

  @Test
  void anIdThatIsAlreadyUsedIsRefusedNamingIt() {
    fleet.node(FakeOllama.builder("a").loaded(MODEL));
    FakeOllama remote = fleet.other(FakeOllama.builder("r").loaded(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(2).remoteNode(OllamaNode.of("r", remote.uri(), 1)));

    assertThatThrownBy(() -> router.addNode(OllamaNode.of("a", remote.uri(), 2)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("node id").hasMessageContaining("'a'");
    assertThatThrownBy(() -> router.addNode(OllamaNode.of("r", remote.uri(), 2)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'r'");
    assertThatThrownBy(() -> router.addNode(OllamaNode.of("cloud", remote.uri(), 2)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'cloud'");
    assertThatThrownBy(() -> LlmRouter.builder().node(OllamaNode.of("x", remote.uri(), 1))
        .drainTimeout(Duration.ofSeconds(-1)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("drainTimeout");
  }

  @Test
  void theMembershipViewAddsDrainsAndRemovesLocalNodesMadeFromDiscoveredMembers() {
    fleet.node(FakeOllama.builder("a").loaded(MODEL));
    FakeOllama remote = fleet.other(FakeOllama.builder("r").loaded(MODEL));
    FakeOllama found = fleet.other(FakeOllama.builder("found").loaded(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(2).remoteNode(OllamaNode.of("r", remote.uri(), 1)));
    MembershipTarget target = router.membership(m -> OllamaNode.of(m.id(), m.uri(), 3));
    assertThat(target.memberIds()).as("the local pool only").containsExactly("a");

    target.add(DiscoveredMember.of("10.0.0.9:11434", found.uri()));
    target.add(DiscoveredMember.of("10.0.0.9:11434", found.uri())); // an existing id: nothing
    assertThat(target.memberIds()).containsExactlyInAnyOrder("a", "10.0.0.9:11434");
    assertThat(router.fleet()).filteredOn(s -> s.id().equals("10.0.0.9:11434")).singleElement()
        .satisfies(s -> assertThat(s.limit()).isEqualTo(3));
    await().atMost(BOUND).until(() -> router.fleet().stream()
        .anyMatch(s -> s.id().equals("10.0.0.9:11434") && !s.modelsOnDisk().isEmpty()));

    target.drain("10.0.0.9:11434").orTimeout(BOUND.toSeconds(), TimeUnit.SECONDS).join();
    assertThat(router.fleet()).filteredOn(NodeStatus::draining).extracting(NodeStatus::id)
        .containsExactly("10.0.0.9:11434");
    target.resume("10.0.0.9:11434");
    target.remove("10.0.0.9:11434");
    target.remove("r"); // not the view's
    assertThat(target.memberIds()).containsExactly("a");
    assertThat(router.fleet()).extracting(NodeStatus::id).containsExactly("a", "r");

    MembershipTarget renaming = router.membership(m -> OllamaNode.of("other", m.uri(), 1));
    assertThatThrownBy(() -> renaming.add(DiscoveredMember.of("x", found.uri())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'x'");
  }
}
