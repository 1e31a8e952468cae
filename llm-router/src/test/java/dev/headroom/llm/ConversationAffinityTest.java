package dev.headroom.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import dev.headroom.core.Lease;
import dev.headroom.core.Selector;
import dev.headroom.testkit.llm.FakeOllama;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 items 3 and 4: a conversation's turns go back to the node that served it (where FakeOllama's per-slot
 * prompt cache spares its history from evaluation) while that node's load is within (1 + epsilon) of the average;
 * above it, least-loaded picking moves the conversation.
 */
class ConversationAffinityTest {
  private final Fleet fleet = new Fleet();

  @AfterEach
  void close() {
    fleet.close();
  }

  private LlmRouter fourNodes(ConversationAffinity affinity) {
    for (int i = 1; i <= 4; i++) {
      fleet.node(FakeOllama.builder("gpu-" + i).loaded(Fleet.MODEL).parallel(2)
          .promptEvalPerToken(Duration.ofMillis(1)));
    }
    LlmRouter.Builder b = fleet.routerBuilder(2);
    return fleet.start(affinity == null ? b : b.conversationAffinity(affinity));
  }

  /** The turns of one conversation, each resending the history with the last answer. */
  private static List<String> converse(LlmRouter llm, String opening, int turns, String key) {
    List<String> served = new ArrayList<>();
    ChatRequest.Builder history = ChatRequest.chat(Fleet.MODEL).system("You are terse.");
    String user = opening;
    for (int t = 0; t < turns; t++) {
      history.user(user);
      if (key != null) {
        history.conversation(key);
      }
      ChatResponse answer = llm.chat(history.build());
      served.add(answer.endpoint());
      history.assistant(answer.text());
      user = "and then what happened in turn " + (t + 2) + "?";
    }
    return served;
  }

  @Test
  void theTurnsOfAConversationStayOnItsNodeAndItsPromptCacheIsUsed() {
    LlmRouter llm = fourNodes(ConversationAffinity.boundedLoads(0.25));
    List<String> served = converse(llm, "Tell me about the sea", 6, null);
    assertThat(new HashSet<>(served)).as("known by its first messages, it never moves when nothing is loaded")
        .hasSize(1);
    long cached = fleet.nodes.stream().mapToLong(FakeOllama::cachedPromptTokens).sum();
    assertThat(cached).as("each later turn found its history in the node's prompt cache").isPositive();

    List<String> keyed = converse(llm, "Another topic", 4, "session-42");
    assertThat(new HashSet<>(keyed)).hasSize(1);
  }

  @Test
  void withoutAffinitySequentialTurnsSpreadOverTheNodes() {
    LlmRouter llm = fourNodes(null);
    Set<String> nodes = new HashSet<>();
    for (int c = 0; c < 6; c++) {
      nodes.addAll(converse(llm, "conversation " + c, 4, null));
    }
    assertThat(nodes).as("least-loaded picking alone: ties broken at random").hasSizeGreaterThan(1);
  }

  /** Holds both slots of {@code node}: with the next request its load is 3 per 2 slots. */
  private static List<Lease> fill(LlmRouter llm, String node) {
    Set<String> others = new HashSet<>();
    llm.localPool().endpoints().forEach(e -> {
      if (!e.id().equals(node)) {
        others.add(e.id());
      }
    });
    Selector only = Selector.excluding(others);
    List<Lease> held = new ArrayList<>();
    held.add(llm.localPool().tryAcquire(only).orElseThrow());
    held.add(llm.localPool().tryAcquire(only).orElseThrow());
    return held;
  }

  @Test
  void aConversationMovesWhenItsNodeIsLoadedBeyondTheBoundAndStaysWithStickyHashing() {
    LlmRouter llm = fourNodes(ConversationAffinity.boundedLoads(0.25));
    String home = converse(llm, "Tell me about mountains", 1, "trip").get(0);
    List<Lease> held = fill(llm, home);
    try {
      // its load with this request, 3/2, is above 1.25 x the average (2 + 1) / 8: least-loaded picking decides
      String moved = llm.chat(ChatRequest.chat(Fleet.MODEL).user("Tell me about mountains").conversation("trip")
          .build()).endpoint();
      assertThat(moved).isNotEqualTo(home);
      String back = converse(llm, "Tell me about mountains", 1, "trip").get(0);
      assertThat(back).as("the conversation now lives where it moved").isEqualTo(moved);
    } finally {
      held.forEach(Lease::close);
    }
  }

  @Test
  void withinTheBoundTheConversationStaysOnABusierNode() {
    LlmRouter llm = fourNodes(ConversationAffinity.boundedLoads(3.0));
    String home = converse(llm, "Tell me about rivers", 1, "river").get(0);
    List<Lease> both = fill(llm, home);
    both.get(1).close();
    List<Lease> held = List.of(both.get(0));
    try {
      // one slot of its two busy: load 2/2 with this request, within 4 x the average 2/8
      ChatStream stream = llm.stream(ChatRequest.chat(Fleet.MODEL).user("Tell me about rivers").conversation("river")
          .build());
      assertThat(stream.forEach(c -> { }).join().endpoint()).isEqualTo(home);
    } finally {
      held.forEach(Lease::close);
    }
  }

  /** The node a turn of the conversation {@code key} goes to while one of its home's two slots is held. */
  private static String withOneSlotHeld(LlmRouter llm, String home, String opening, String key) {
    List<Lease> both = fill(llm, home);
    both.get(1).close();
    try {
      return llm.chat(ChatRequest.chat(Fleet.MODEL).user(opening).conversation(key).build()).endpoint();
    } finally {
      both.get(0).close();
    }
  }

  @Test
  void thePapersBoundMovesAConversationOffANodeWithAFreeSlotWhenFewRequestsAreInFlight() {
    LlmRouter llm = fourNodes(ConversationAffinity.boundedLoads(0.25));
    String home = converse(llm, "Tell me about lakes", 1, "lake").get(0);

    // capacity ceil(1.25 x (1 + 1) x 2 / 8) = 1: its one request in flight already fills it
    assertThat(withOneSlotHeld(llm, home, "Tell me about lakes", "lake")).isNotEqualTo(home);
  }

  @Test
  void cacheAwareAConversationStaysWhileItsNodeHasAFreeSlotAndMovesWhenItHasNone() {
    LlmRouter llm = fourNodes(ConversationAffinity.boundedLoads(0.25).cacheAware());
    String home = converse(llm, "Tell me about lakes", 1, "lake").get(0);

    assertThat(withOneSlotHeld(llm, home, "Tell me about lakes", "lake")).isEqualTo(home);

    List<Lease> held = fill(llm, home);
    try {
      String moved = llm.chat(ChatRequest.chat(Fleet.MODEL).user("Tell me about lakes").conversation("lake")
          .build()).endpoint();
      assertThat(moved).as("no free slot: it moves").isNotEqualTo(home);
    } finally {
      held.forEach(Lease::close);
    }
    assertThat(ConversationAffinity.boundedLoads(0.25).cacheAware().toString()).contains("cache-aware");
  }

  @Test
  void stickyWaitsForItsNodeWhereBoundedLoadsMoves() {
    assertThat(ConversationAffinity.sticky().epsilon()).isInfinite();
    assertThatThrownBy(() -> ConversationAffinity.boundedLoads(-1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("epsilon");
  }
}
