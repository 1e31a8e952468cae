package dev.headroom.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.testkit.llm.FakeOllama;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 4, the VRAM manager: VRAM use per node from {@code /api/ps}, no cold loads on a node above the
 * warning level while another can take the request, and the least recently used idle model unloaded at the critical
 * level through Ollama's API, never one with a request in flight. On FakeOllama nodes that account their models'
 * sizes as {@code size_vram}.
 */
class VramTest {
  private static final long GIB = 1L << 30;

  private final Fleet fleet = new Fleet();

  @AfterEach
  void close() {
    fleet.close();
  }

  private LlmRouter.Builder router(VramPolicy vram) {
    LlmRouter.Builder b = fleet.routerBuilder(4).pollInterval(Duration.ofMinutes(10)); // polls only when told
    return vram == null ? b : b.vram(vram);
  }

  private static ChatRequest ask(String model) {
    return ChatRequest.chat(model).user("hello").build();
  }

  private NodeStatus status(String node) {
    return fleet.router.fleet().stream().filter(n -> n.id().equals(node)).findFirst().orElseThrow();
  }

  @Test
  void atTheCriticalLevelTheLeastRecentlyUsedIdleModelIsUnloadedAndOneInFlightNeverIs() {
    FakeOllama gpu = fleet.node(FakeOllama.builder("gpu").loaded("a", "b", "c")
        .modelSize("a", 10 * GIB).modelSize("b", 10 * GIB).modelSize("c", 10 * GIB).tokensPerSecond(2).answerTokens(60));
    // 30 GiB of 31: 96.8%, above the 95% critical level
    LlmRouter llm = fleet.start(router(VramPolicy.builder().capacity(31 * GIB).build())
        .discoverOnBuild(false));
    llm.refreshFleet(Duration.ofSeconds(5));
    assertThat(gpu.apiUnloads()).as("nothing was used yet: the first poll unloads one, by name").hasSize(1);
    String first = gpu.apiUnloads().get(0);
    assertThat(first).isEqualTo("a:latest"); // never used: all tie, the first by name goes

    // 20 GiB of 31 now. Start a slow stream on "c" (the least recently used from now on, but in flight), then load
    // "a" again (back to 30 GiB) and use "b": of the idle models, "a" went idle first
    Collector slow = new Collector();
    llm.stream(ask("c")).subscribe(slow);
    await().until(() -> !slow.chunks.isEmpty());
    llm.chat(ChatRequest.chat("a").user("hello").maxTokens(1).build());
    llm.chat(ChatRequest.chat("b").user("hello").maxTokens(1).build());
    assertThat(slow.ended.getCount()).as("c still generating (60 tokens at 2 per second)").isEqualTo(1);
    llm.refreshFleet(Duration.ofSeconds(5));

    assertThat(gpu.apiUnloads()).as("c is the least recently used but has a request in flight; a went idle "
        + "before b").containsExactly("a:latest", "a:latest");
    assertThat(gpu.unloadsWhileGenerating()).isZero();
    assertThat(gpu.isLoaded("c")).isTrue();
    assertThat(gpu.isLoaded("b")).isTrue();
    assertThat(fleet.registry.get(LlmMetricNames.VRAM_UNLOADS).tag("endpoint", "gpu").tag("model", "a:latest")
        .counter().count()).isEqualTo(2.0);

    slow.cancel(); // c's stream ends: 20 GiB left after the next poll's measurement
    await().until(() -> gpu.pending() == 0);
    llm.refreshFleet(Duration.ofSeconds(5));
    assertThat(gpu.apiUnloads()).as("20 of 31 GiB: below the warning level, nothing more").hasSize(2);
    assertThat(status("gpu").vramUsage()).isCloseTo(20.0 / 31, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(fleet.registry.get(LlmMetricNames.VRAM_USAGE).tag("endpoint", "gpu").gauge().value())
        .isCloseTo(20.0 / 31, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(fleet.registry.get(LlmMetricNames.VRAM_USED).tag("endpoint", "gpu").gauge().value())
        .isEqualTo(20.0 * GIB);
  }

  /** A fast node nearly full of other models, and a slow one with room: both have "m" on disk, neither loaded. */
  private void fullFastAndRoomySlow() {
    fleet.node(FakeOllama.builder("full").model("m").loaded("x").modelSize("x", 20 * GIB).modelSize("m", 2 * GIB));
    fleet.node(FakeOllama.builder("roomy").model("m").modelSize("m", 2 * GIB));
  }

  private LlmRouter.Builder weighted(VramPolicy vram) {
    LlmRouter.Builder b = LlmRouter.builder().meterRegistry(fleet.registry).noHealthCheck()
        .pollInterval(Duration.ofMinutes(10))
        .node(new OllamaNode("full", fleet.nodes.get(0).uri(), 4, 8.0)) // eight times as fast: preferred
        .node(new OllamaNode("roomy", fleet.nodes.get(1).uri(), 4, 1.0));
    return vram == null ? b : b.vram(vram);
  }

  @Test
  void withoutAPolicyTheFasterNodeTakesTheColdLoad() {
    fullFastAndRoomySlow();
    LlmRouter llm = fleet.start(weighted(null));
    assertThat(llm.chat(ask("m")).endpoint()).isEqualTo("full");
  }

  @Test
  void aboveTheWarningLevelANodeGetsNoColdLoadWhileAnotherCanTakeIt() {
    fullFastAndRoomySlow();
    // full: 20 of 24 GiB = 83% (warning, not critical); roomy: 0 of 24 GiB
    LlmRouter llm = fleet.start(weighted(VramPolicy.builder().capacity(24 * GIB).build()));
    assertThat(llm.chat(ask("m")).endpoint()).isEqualTo("roomy");
    assertThat(llm.chat(ask("x")).endpoint()).as("a model it has in memory still goes there").isEqualTo("full");
    assertThat(fleet.nodes.get(0).apiUnloads()).isEmpty();
  }

  @Test
  void whenNoOtherNodeCanTakeItTheColdLoadStillHappensAboveTheWarningLevel() {
    fleet.node(FakeOllama.builder("full").model("m").loaded("x").modelSize("x", 20 * GIB));
    fleet.node(FakeOllama.builder("other").model("x"));
    LlmRouter llm = fleet.start(router(VramPolicy.builder().capacity(24 * GIB).capacity("other", 8 * GIB).build()));
    assertThat(status("full").vramUsage()).isGreaterThan(VramPolicy.DEFAULT_WARNING_LEVEL);
    assertThat(llm.chat(ask("m")).endpoint()).as("only 'full' has m: an answer beats no answer").isEqualTo("full");
  }

  @Test
  void nodesWithoutACapacityAreLeftAlone() {
    FakeOllama gpu = fleet.node(FakeOllama.builder("gpu").loaded("a", "b").modelSize("a", 100 * GIB));
    LlmRouter llm = fleet.start(router(VramPolicy.builder().capacity("some-other-node", GIB).build()));
    llm.refreshFleet(Duration.ofSeconds(5));
    assertThat(gpu.apiUnloads()).isEmpty();
    assertThat(status("gpu").vramUsage()).isNaN();
    assertThat(fleet.registry.find(LlmMetricNames.VRAM_USAGE).gauges()).isEmpty();
  }

  @Test
  void badLevelsAreNamed() {
    assertThatThrownBy(() -> VramPolicy.builder().warningLevel(0.9).criticalLevel(0.8).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("criticalLevel");
    assertThatThrownBy(() -> VramPolicy.builder().warningLevel(1.5).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("warningLevel");
    assertThatThrownBy(() -> VramPolicy.builder().capacity("gpu-1", 0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gpu-1");
  }
}
