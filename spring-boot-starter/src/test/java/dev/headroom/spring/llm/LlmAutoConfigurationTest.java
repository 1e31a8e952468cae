package dev.headroom.spring.llm;

import static dev.headroom.spring.StartupFailures.assertFailedNaming;
import static dev.headroom.spring.StartupFailures.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import dev.headroom.core.HeadroomException;
import dev.headroom.core.HeadroomMetrics;
import dev.headroom.core.Pool;
import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.InMemoryResponseCache;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.OllamaNode;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomLifecycle;
import dev.headroom.spring.HeadroomPools;
import dev.headroom.spring.Output;
import dev.headroom.spring.actuate.HeadroomHealthAutoConfiguration;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code headroom.llm.*} → an {@link LlmRouter} over fake Ollama nodes and a fake cloud on loopback. */
class LlmAutoConfigurationTest {
  static final String KEY = "sk-test-4f7a9c1e2b";
  static FakeOllama gpu1;
  static FakeOllama gpu2;
  static FakeOpenAi cloud;

  @BeforeAll
  static void start() {
    gpu1 = FakeOllama.builder("gpu-1").model("llama3.2").loaded("llama3.2").parallel(2).start();
    gpu2 = FakeOllama.builder("gpu-2").model("llama3.2").parallel(2).start();
    cloud = FakeOpenAi.builder("cloud").apiKey(KEY).start();
  }

  @AfterAll
  static void stop() {
    gpu1.close();
    gpu2.close();
    cloud.close();
  }

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class, HeadroomLlmAutoConfiguration.class,
          HeadroomHealthAutoConfiguration.class));

  static String[] fleet() {
    return new String[] {
        "headroom.llm.name=chat",
        "headroom.llm.nodes[0].id=gpu-1",
        "headroom.llm.nodes[0].uri=" + gpu1.uri(),
        "headroom.llm.nodes[0].num-parallel=2",
        "headroom.llm.nodes[1].id=gpu-2",
        "headroom.llm.nodes[1].uri=" + gpu2.uri(),
        "headroom.llm.nodes[1].num-parallel=2",
        "headroom.llm.nodes[1].weight=2",
        "headroom.llm.local-wait-budget=300ms",
        "headroom.llm.health-check-interval=0s",
        "headroom.llm.aliases[0].alias=chat",
        "headroom.llm.aliases[0].model=llama3.2",
        "headroom.llm.cloud.uri=" + cloud.uri(),
        "headroom.llm.cloud.api-key=" + KEY,
        "headroom.llm.cloud.max-concurrency=8",
        "headroom.llm.cloud.models[0].local=llama3.2",
        "headroom.llm.cloud.models[0].cloud=gpt-4o-mini",
        "headroom.llm.cloud.models[1].local=big-model",
        "headroom.llm.cloud.models[1].cloud=gpt-4o",
        "headroom.llm.cloud.prices[0].model=gpt-4o-mini",
        "headroom.llm.cloud.prices[0].input-per-million=0.15",
        "headroom.llm.cloud.prices[0].output-per-million=0.6",
        "headroom.llm.cloud.prices[1].model=gpt-4o",
        "headroom.llm.cloud.prices[1].input-per-million=2.5",
        "headroom.llm.cloud.prices[1].output-per-million=10",
        "headroom.llm.cloud.spend-limit.max-requests-per-minute=100",
        "headroom.llm.cloud.spend-limit.max-cost-per-minute=1.5",
        "headroom.llm.response-cache.max-entries=100",
    };
  }

  @Test
  void vramPropertiesMeasureEachNodesUseAndBadLevelsAreNamed() {
    runner.withPropertyValues(fleet()).withPropertyValues("headroom.llm.vram.capacities.gpu-1=4GB",
        "headroom.llm.vram.warning-level=0.7").run(context -> {
          assertThat(context).hasNotFailed();
          LlmRouter llm = context.getBean(LlmRouter.class);
          // gpu-1 holds llama3.2 (2,019,393,189 bytes in its /api/ps) of 4 GiB; gpu-2 has no capacity
          assertThat(llm.fleet()).filteredOn(n -> n.id().equals("gpu-1")).singleElement()
              .satisfies(n -> assertThat(n.vramUsage()).isCloseTo(2_019_393_189.0 / (4L << 30),
                  org.assertj.core.data.Offset.offset(1e-9)));
          assertThat(llm.fleet()).filteredOn(n -> n.id().equals("gpu-2")).singleElement()
              .satisfies(n -> assertThat(n.vramUsage()).isNaN());
        });
    runner.withPropertyValues(fleet()).withPropertyValues("headroom.llm.vram.capacity=24GB",
        "headroom.llm.vram.critical-level=0.5").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).hasStackTraceContaining("headroom.llm.vram.critical-level");
        });
  }

  @Test
  void theRouterComesFromThePropertiesAndServesLocallyThenFromTheCloud() throws Exception {
    String output = Output.of(() -> runner.withPropertyValues(fleet()).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(LlmRouter.class);
      LlmRouter llm = context.getBean(LlmRouter.class);
      assertThat(llm.localPool().name()).isEqualTo("chat-local");
      assertThat(llm.localPool().config().endpoints()).extracting(e -> e.id() + "/" + e.maxConcurrency() + "/"
          + e.weight()).containsExactly("gpu-1/2/1.0", "gpu-2/2/2.0");
      assertThat(llm.localPool().config().healthCheck()).isEmpty();
      assertThat(llm.cloudPool().orElseThrow().config().endpoints().get(0).maxConcurrency()).isEqualTo(8);

      ChatResponse local = llm.chat(ChatRequest.chat("chat").user("why is the sky blue?").build());
      assertThat(local.tier()).isEqualTo(LlmRouter.LOCAL);
      assertThat(local.endpoint()).isIn("gpu-1", "gpu-2");

      ChatResponse overflow = llm.chat(ChatRequest.chat("big-model").user("no node has this model").build());
      assertThat(overflow.tier()).isEqualTo(LlmRouter.CLOUD);
      assertThat(overflow.model()).isEqualTo("gpt-4o");
      assertThat(cloud.authorizations()).contains("Bearer " + KEY); // the key is sent...
      assertThat(llm.cloudRequestsLastMinute()).isEqualTo(1);

      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.get(HeadroomMetrics.REQUESTS).tag("pool", "chat-local").counters().stream()
          .mapToDouble(Counter::count).sum()).isEqualTo(1.0);
    }));
    assertThat(output).contains("headroom.llm: LlmRouter{chat").doesNotContain(KEY); // ...and never shown
  }

  @Test
  void modelGroupsComeFromThePropertiesWithTheirProvidersAndTheirPoolsInTheRegistry() {
    runner.withPropertyValues(fleet()).withPropertyValues(
        "headroom.llm.providers.oa.uri=" + cloud.uri(),
        "headroom.llm.providers.oa.api-key=" + KEY,
        "headroom.llm.model-groups.agents.deployments[0].model=llama3.2",
        "headroom.llm.model-groups.agents.deployments[0].context-window=100",
        "headroom.llm.model-groups.agents.deployments[1].provider=oa",
        "headroom.llm.model-groups.agents.deployments[1].model=gpt-4o-mini",
        "headroom.llm.model-groups.agents.deployments[1].requests-per-minute=100",
        "headroom.llm.model-groups.agents.deployments[1].input-per-million=0.15",
        "headroom.llm.model-groups.agents.deployments[1].output-per-million=0.6",
        "headroom.llm.model-groups.agents.spend-limit.max-cost-per-minute=1",
        // the same deployment in a second group: one pool, one set of limits
        "headroom.llm.model-groups.batch.deployments[0].provider=oa",
        "headroom.llm.model-groups.batch.deployments[0].model=gpt-4o-mini",
        "headroom.llm.model-groups.batch.deployments[0].requests-per-minute=100",
        "headroom.llm.model-groups.batch.deployments[0].input-per-million=0.15",
        "headroom.llm.model-groups.batch.deployments[0].output-per-million=0.6").run(context -> {
          assertThat(context).hasNotFailed();
          LlmRouter router = context.getBean(LlmRouter.class);
          long before = cloud.requestsFor("gpt-4o-mini");

          assertThat(router.chat(ChatRequest.chat("agents").user("hi").maxTokens(4).build()).tier())
              .isEqualTo(LlmRouter.LOCAL);
          assertThat(router.chat(ChatRequest.chat("agents").user("x".repeat(800)).maxTokens(4).build()).tier())
              .as("past the fleet's context window").isEqualTo("oa/gpt-4o-mini");
          assertThat(router.chat(ChatRequest.chat("batch").user("hi").maxTokens(4).build()).tier())
              .isEqualTo("oa/gpt-4o-mini");
          assertThat(cloud.requestsFor("gpt-4o-mini") - before).isEqualTo(2);
          assertThat(context.getBean(HeadroomPools.class).names()).contains("chat-oa-gpt-4o-mini");
        });
  }

  @Test
  void theNodePoolsAreInThePoolRegistryAndItsHealthComponent() {
    runner.withPropertyValues(fleet()).run(context -> {
      HeadroomPools pools = context.getBean(HeadroomPools.class);
      assertThat(pools.names()).containsExactly("chat-local", "chat-cloud");
      assertThat(pools.get("chat-local")).isSameAs(context.getBean(LlmRouter.class).localPool());

      CompositeHealthContributor health = (CompositeHealthContributor) context.getBean("headroomHealthContributor",
          HealthContributor.class);
      HealthIndicator local = (HealthIndicator) health.getContributor("chat-local");
      assertThat(local.health().getStatus()).isEqualTo(Status.UP);
      assertThat(local.health().getDetails()).containsEntry("tier", "local").containsEntry("eligible", "2/2");
      assertThat(((HealthIndicator) health.getContributor("chat-cloud")).health().getDetails().toString())
          .contains("cloud").doesNotContain(KEY);
    });
  }

  @Test
  void closingTheContextDrainsThePoolsAndClosesTheRouter() {
    List<LlmRouter> seen = new ArrayList<>();
    runner.withPropertyValues(fleet()).run(context -> {
      seen.add(context.getBean(LlmRouter.class));
      assertThat(context.getBean(HeadroomLifecycle.class).isRunning()).isTrue();
    });
    LlmRouter closed = seen.get(0);
    assertThatThrownBy(() -> closed.localPool().acquire(Duration.ZERO)).isInstanceOf(HeadroomException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> closed.chat(ChatRequest.chat("llama3.2").user("hi").build()))
        .isInstanceOf(HeadroomException.class);
  }

  @Test
  void defaultsAreTheBuildersAndNoCloudWithoutItsUri() {
    runner.withPropertyValues("headroom.llm.nodes[0].id=gpu-1", "headroom.llm.nodes[0].uri=" + gpu1.uri())
        .run(context -> {
          LlmRouter llm = context.getBean(LlmRouter.class);
          assertThat(llm.localPool().name()).isEqualTo("llm-local");
          assertThat(llm.cloudPool()).isEmpty();
          assertThat(llm.remotePool()).isEmpty();
          Pool local = llm.localPool();
          LlmRouter builders = LlmRouter.builder().node(OllamaNode.of("gpu-1", gpu1.uri(), 1)).discoverOnBuild(false)
              .build();
          try {
            assertThat(local.config().maxWaiters()).isEqualTo(builders.localPool().config().maxWaiters());
            assertThat(local.config().outlierDetection()).isEqualTo(builders.localPool().config().outlierDetection());
            assertThat(local.config().healthCheck().orElseThrow().interval())
                .isEqualTo(builders.localPool().config().healthCheck().orElseThrow().interval());
            assertThat(local.config().endpoints()).isEqualTo(builders.localPool().config().endpoints());
            assertThat(local.config().strictCaps()).isEqualTo(builders.localPool().config().strictCaps());
            assertThat(local.config().coordinator()).isSameAs(builders.localPool().config().coordinator());
          } finally {
            builders.close();
          }
        });
  }

  @Test
  void absentWithoutPropertiesWhenSwitchedOffOrWithoutTheModule() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmRouter.class));
    runner.withPropertyValues(fleet()).withPropertyValues("headroom.llm.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmRouter.class));
    runner.withPropertyValues(fleet()).withPropertyValues("headroom.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmRouter.class));
    runner.withPropertyValues(fleet()).withClassLoader(new FilteredClassLoader(LlmRouter.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmRouter.class)
            .doesNotHaveBean(HeadroomLlmProperties.class));
  }

  @Test
  void theApplicationsOwnRouterWinsAndItsPoolsStillShowInTheRegistry() {
    runner.withPropertyValues(fleet())
        .withBean("myRouter", LlmRouter.class, () -> LlmRouter.builder().name("mine")
            .node(OllamaNode.of("n-1", gpu2.uri(), 1)).discoverOnBuild(false).noHealthCheck().build())
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(LlmRouter.class);
          assertThat(context.getBean(LlmRouter.class).localPool().name()).isEqualTo("mine-local");
          assertThat(context.getBean(HeadroomPools.class).names()).containsExactly("mine-local");
        });
  }

  @Test
  void aResponseCacheBeanIsUsedForDeterministicRequests() {
    InMemoryResponseCache cache = InMemoryResponseCache.create(10);
    runner.withPropertyValues(fleet()).withBean(dev.headroom.llm.ResponseCache.class, () -> cache).run(context -> {
      LlmRouter llm = context.getBean(LlmRouter.class);
      ChatRequest request = ChatRequest.chat("llama3.2").user("cache me").temperature(0).build();
      ChatResponse first = llm.chat(request);
      ChatResponse second = llm.chat(request);
      assertThat(first.tier()).isEqualTo(LlmRouter.LOCAL);
      assertThat(second.tier()).isEqualTo(LlmRouter.CACHE);
      assertThat(second.text()).isEqualTo(first.text());
    });
  }

  @Test
  void aNameOfAConfiguredPoolThatClashesWithTheRoutersPoolIsRejected() {
    runner.withPropertyValues(fleet()).withPropertyValues("headroom.pools.chat-local.endpoints[0].id=x",
        "headroom.pools.chat-local.endpoints[0].uri=http://127.0.0.1:9").run(context -> {
          ConfigException e = find(context.getStartupFailure(), ConfigException.class);
          assertThat(e.setting()).isEqualTo("headroom.pools.chat-local");
          assertThat(e.getMessage()).contains("pool that a module builds itself");
        });
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("headroom.llm.nodes[1].num-parallel=0", "headroom.llm.nodes[1].num-parallel", "must be >= 1"),
        Arguments.of("headroom.llm.nodes[0].weight=0", "headroom.llm.nodes[0].weight", "finite number > 0"),
        Arguments.of("headroom.llm.nodes[1].uri=ftp://x", "headroom.llm.nodes[1].uri", "http or https"),
        Arguments.of("headroom.llm.nodes[1].id=gpu-1", "headroom.llm.nodes[1].id", "must be unique"),
        Arguments.of("headroom.llm.remote-nodes[0].id=cloud,headroom.llm.remote-nodes[0].uri=http://127.0.0.1:9",
            "headroom.llm.remote-nodes[0].id", "must not be 'cloud'"),
        Arguments.of("headroom.llm.nodes[2].id=gpu-3", "headroom.llm.nodes[2].uri", "must be set"),
        Arguments.of("headroom.llm.name= ", "headroom.llm.name", "non-empty"),
        Arguments.of("headroom.llm.max-attempts=0", "headroom.llm.max-attempts", "must be >= 1"),
        Arguments.of("headroom.llm.local-wait-budget=-1s", "headroom.llm.local-wait-budget", "must be >= 0"),
        Arguments.of("headroom.llm.first-token-timeout=0s", "headroom.llm.first-token-timeout", "must be > 0"),
        Arguments.of("headroom.llm.loaded-preference=2", "headroom.llm.loaded-preference", "(0, 1]"),
        Arguments.of("headroom.llm.max-line-bytes=10B", "headroom.llm.max-line-bytes", ">= 1024"),
        Arguments.of("headroom.llm.health-check-interval=-1s", "headroom.llm.health-check-interval", ">= 0"),
        Arguments.of("headroom.llm.response-cache.max-entries=0", "headroom.llm.response-cache.max-entries",
            ">= 1"),
        Arguments.of("headroom.llm.outlier-detection.max-ejection-share=2",
            "headroom.llm.outlier-detection.max-ejection-share", "[0, 1]"),
        Arguments.of("headroom.llm.retry-budget.percent-can-retry=2",
            "headroom.llm.retry-budget.percent-can-retry", "[0, 1]"),
        Arguments.of("headroom.llm.cloud.max-concurrency=0", "headroom.llm.cloud.max-concurrency", ">= 1"),
        Arguments.of("headroom.llm.cloud.api-key= ", "headroom.llm.cloud.api-key", "non-empty"),
        Arguments.of("headroom.llm.cloud.spend-limit.max-requests-per-minute=-1",
            "headroom.llm.cloud.spend-limit.max-requests-per-minute", ">= 0"),
        Arguments.of("headroom.llm.cloud.prices[1].model=other", "headroom.llm.cloud.prices",
            "must price every cloud model"),
        Arguments.of("headroom.llm.cloud.prices[0].input-per-million=-1",
            "headroom.llm.cloud.prices[0].input-per-million", ">= 0"),
        Arguments.of("headroom.llm.cloud.models[0].cloud= ", "headroom.llm.cloud.models[0].cloud", "must be set"),
        Arguments.of("headroom.llm.aliases[0].model= ", "headroom.llm.aliases[0].model", "must be set"),
        Arguments.of("headroom.llm.providers.oa.uri=http://127.0.0.1:9,"
            + "headroom.llm.model-groups.g.deployments[0].provider=nope,"
            + "headroom.llm.model-groups.g.deployments[0].model=m",
            "headroom.llm.model-groups.g.deployments[0].provider", "must be one of headroom.llm.providers [oa]"),
        Arguments.of("headroom.llm.providers.oa.uri=http://127.0.0.1:9,headroom.llm.providers.oa.api-key= ",
            "headroom.llm.providers.oa.api-key", "non-empty"),
        Arguments.of("headroom.llm.providers.oa.uri=http://127.0.0.1:9,"
            + "headroom.llm.model-groups.g.deployments[0].provider=oa,"
            + "headroom.llm.model-groups.g.deployments[0].model=m,"
            + "headroom.llm.model-groups.g.deployments[0].max-concurrency=0",
            "headroom.llm.model-groups.g.deployments[0].max-concurrency", ">= 1"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void aBadValueFailsStartupNamingItsPropertyAndNeverTheKey(String properties, String property, String requirement)
      throws Exception {
    String output = Output.of(() -> runner.withPropertyValues(fleet()).withPropertyValues(properties.split(","))
        .run(context -> {
      assertFailedNaming(context, property, requirement, KEY);
    }));
    assertThat(output).doesNotContain(KEY);
  }

  @Test
  void theApiKeyIsNeverInThePropertiesToString() {
    runner.withPropertyValues(fleet()).run(context -> {
      HeadroomLlmProperties properties = context.getBean(HeadroomLlmProperties.class);
      assertThat(properties.cloud().apiKey()).isEqualTo(KEY);
      assertThat(properties.toString()).contains("apiKey=[redacted]").doesNotContain(KEY);
      assertThat(context.getBean(LlmRouter.class).toString()).doesNotContain(KEY);
    });
  }

}
