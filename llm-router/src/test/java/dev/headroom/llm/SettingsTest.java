package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.headroom.core.ConfigException;
import dev.headroom.testkit.llm.FakeOllama;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The construction contract: {@code build()} validates into settings the router keeps (a builder changed afterwards
 * changes nothing), and a rejected setting names its owner and its path in the builder's names, as fields.
 */
class SettingsTest {
  private static final OllamaNode NODE = OllamaNode.of("gpu-1", "http://127.0.0.1:9", 2);
  private final Fleet fleet = new Fleet();

  @AfterEach
  void close() {
    fleet.close();
  }

  @Test
  void aBuilderChangedAfterBuildChangesNothingInTheRouter() throws Exception {
    fleet.node(FakeOllama.builder("a").loaded(MODEL));
    LlmRouter.Builder builder = fleet.routerBuilder(1).alias("chat", MODEL);
    LlmRouter router = fleet.start(builder);

    builder.alias("chat", "llama9").node(OllamaNode.of("late", Fleet.unused(), 1)).name("changed")
        .requestTimeout(Duration.ofNanos(1)).firstTokenTimeout(Duration.ofNanos(1));

    ChatResponse answer = router.chat(ChatRequest.chat("chat").user("hi").build());
    assertThat(answer.endpoint()).isEqualTo("a");
    assertThat(answer.text()).isNotEmpty();
    Collector c = new Collector();
    router.stream(ChatRequest.chat("chat").user("hi").build()).subscribe(c);
    c.await();
    assertThat(c.error).isNull();
    assertThat(router.fleet()).extracting(NodeStatus::id).containsExactly("a");
    assertThat(router.localPool().name()).isEqualTo("llm-local");
  }

  @Test
  void aRejectedSettingCarriesItsOwnerAndItsPathInTheBuildersNames() {
    ConfigException body = catchThrowableOfType(ConfigException.class,
        () -> LlmRouter.builder().name("chat").node(NODE).maxBodyBytes(10).build());
    assertThat(body.subject()).isEqualTo("llm router 'chat'");
    assertThat(body.path()).isEqualTo("maxBodyBytes");
    assertThat(body.value()).isEqualTo("10");
    assertThat(body.requirement()).isEqualTo("must be >= 1024");
    assertThat(body.getMessage()).isEqualTo("llm router 'chat': maxBodyBytes must be >= 1024 but was 10");

    ConfigException twice = catchThrowableOfType(ConfigException.class,
        () -> LlmRouter.builder().node(NODE).remoteNode(NODE).build());
    assertThat(twice.path()).isEqualTo("remoteNodes[0].id");

    ConfigException parallel = catchThrowableOfType(ConfigException.class,
        () -> OllamaNode.of("gpu-2", "http://h:1", 0));
    assertThat(parallel.subject()).isEqualTo("ollama node 'gpu-2'");
    assertThat(parallel.path()).isEqualTo("numParallel");

    ConfigException cloud = catchThrowableOfType(ConfigException.class,
        () -> CloudConfig.builder(URI.create("https://api.example.com")).maxConcurrency(0).build());
    assertThat(cloud.subject()).isEqualTo("cloud 'https://api.example.com'");
    assertThat(cloud.path()).isEqualTo("maxConcurrency");

    assertThat(catchThrowableOfType(ConfigException.class, () -> new SpendLimit(-1, 1)).path())
        .isEqualTo("maxRequestsPerMinute");
    assertThat(catchThrowableOfType(ConfigException.class, () -> new ModelPrice(-1, 1)).path())
        .isEqualTo("inputPerMillion");
    assertThat(catchThrowableOfType(ConfigException.class, () -> InMemoryResponseCache.create(0)).path())
        .isEqualTo("maxEntries");
    ConfigException temperature = catchThrowableOfType(ConfigException.class,
        () -> ChatRequest.chat("m").temperature(Double.NaN));
    assertThat(temperature.subject()).isEqualTo("chat request");
    assertThat(temperature.path()).isEqualTo("temperature");
  }
}
