package dev.headroom.spring.npu;

import static dev.headroom.spring.StartupFailures.assertFailedNaming;
import static dev.headroom.spring.StartupFailures.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.HeadroomException;
import dev.headroom.core.HeadroomMetrics;
import dev.headroom.npu.CloudEmbeddingBackend;
import dev.headroom.npu.Embedding;
import dev.headroom.npu.EmbeddingBackend;
import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.EmbeddingPoolBuilder;
import dev.headroom.npu.NpuMetricNames;
import dev.headroom.npu.OnnxRuntimeBackend;
import dev.headroom.npu.RemoteWorkerBackend;
import dev.headroom.npu.openvino.Availability;
import dev.headroom.npu.openvino.OpenVino;
import dev.headroom.npu.openvino.OpenVinoBackend;
import dev.headroom.npu.testing.EmbeddingWorker;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomPools;
import dev.headroom.spring.Output;
import dev.headroom.spring.actuate.HeadroomHealthAutoConfiguration;
import dev.headroom.testkit.llm.FakeOpenAi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
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

/**
 * {@code headroom.npu.*} → an {@link EmbeddingPool} with a real local backend (ONNX Runtime on the CPU with the bundled
 * all-MiniLM-L6-v2), a real remote worker on loopback (the same model behind {@code POST /embed}) and a fake
 * OpenAI-compatible cloud.
 */
class NpuAutoConfigurationTest {
  static final String KEY = "sk-embed-7c3e91d05a";
  static EmbeddingWorker worker;
  static FakeOpenAi cloud;

  @BeforeAll
  static void start() {
    EmbeddingModel model = EmbeddingModel.allMiniLmL6V2();
    worker = EmbeddingWorker.start(EmbeddingPool.builder("worker").tokenizer(model.tokenizer())
        .backend(OnnxRuntimeBackend.builder(model).id("worker-cpu").threads(1).spinning(false).build()).build());
    cloud = FakeOpenAi.builder("cloud").apiKey(KEY).embeddingDims(384).firstToken(Duration.ZERO).start();
  }

  @AfterAll
  static void stop() {
    worker.close();
    cloud.close();
  }

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class, HeadroomNpuAutoConfiguration.class,
          HeadroomHealthAutoConfiguration.class));

  /** A remote worker and the cloud; no local model. */
  static String[] remote() {
    return new String[] {
        "headroom.npu.workers[0].id=npu-1",
        "headroom.npu.workers[0].uri=" + worker.uri(),
        "headroom.npu.workers[0].max-concurrency=2",
        "headroom.npu.cloud.uri=" + cloud.uri(),
        "headroom.npu.cloud.api-key=" + KEY,
        "headroom.npu.cloud.model=all-minilm",
        "headroom.npu.cloud.max-concurrency=2",
    };
  }

  /** The local ONNX Runtime backend too (one thread, no spinning: the build machine is shared). */
  static String[] withLocal() {
    List<String> all = new ArrayList<>(List.of(remote()));
    all.addAll(List.of("headroom.npu.local.backend=onnxruntime", "headroom.npu.local.threads=1",
        "headroom.npu.local.spinning=false"));
    return all.toArray(String[]::new);
  }

  @Test
  void theLocalBackendAndTheWorkerShareTheBatchesAndAgreeOnTheVectors() throws Exception {
    String output = Output.of(() -> runner.withPropertyValues(withLocal())
        .withPropertyValues("headroom.npu.name=vectors", "headroom.npu.max-batch-size=4")
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(EmbeddingPool.class);
          EmbeddingPool pool = context.getBean(EmbeddingPool.class);
          assertThat(pool.name()).isEqualTo("vectors");
          assertThat(pool.backends()).extracting(EmbeddingBackend::id)
              .containsExactly("onnxruntime-cpu", "npu-1", "cloud");

          List<Embedding> three = pool.embedAll(List.of("a cat sits on the mat", "a cat is sitting on a mat",
              "the stock market fell sharply"));
          assertThat(three).allSatisfy(e -> assertThat(e.dimensions()).isEqualTo(384));
          assertThat(three.get(0).cosine(three.get(1))).isGreaterThan(three.get(0).cosine(three.get(2)) + 0.3);

          // the same sentence 48 times in batches of 4: the one local slot and the worker's two take turns
          List<Embedding> same = pool.embedAll(Collections.nCopies(48, "the quick brown fox jumps over the dog"));
          Map<String, List<Embedding>> byBackend = new TreeMap<>();
          same.forEach(e -> byBackend.computeIfAbsent(e.backend(), k -> new ArrayList<>()).add(e));
          assertThat(byBackend).containsOnlyKeys("onnxruntime-cpu", "npu-1");
          assertThat(byBackend.get("onnxruntime-cpu").get(0).cosine(byBackend.get("npu-1").get(0)))
              .as("one model, two places: the same vector").isGreaterThan(0.9999);

          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.get(NpuMetricNames.EMBEDDINGS).tag("pool", "vectors").counters().stream()
              .mapToDouble(Counter::count).sum()).isEqualTo(51.0);
          assertThat(registry.get(HeadroomMetrics.REQUESTS).tag("pool", "vectors.local").counters()).isNotEmpty();
        }));
    assertThat(output).contains("headroom.npu: EmbeddingPool{vectors").doesNotContain(KEY);
  }

  @Test
  void theCorePoolsAreInThePoolRegistryAndItsHealthComponent() {
    runner.withPropertyValues(remote()).run(context -> {
      EmbeddingPool pool = context.getBean(EmbeddingPool.class);
      HeadroomPools pools = context.getBean(HeadroomPools.class);
      assertThat(pools.names()).containsExactly("embeddings.local", "embeddings.cloud");
      assertThat(pools.get("embeddings.local")).isSameAs(pool.localPool().orElseThrow());

      CompositeHealthContributor health = (CompositeHealthContributor) context.getBean("headroomHealthContributor",
          HealthContributor.class);
      HealthIndicator local = (HealthIndicator) health.getContributor("embeddings.local");
      assertThat(local.health().getStatus()).isEqualTo(Status.UP);
      assertThat(local.health().getDetails()).containsEntry("tier", "local").containsEntry("eligible", "1/1");
      assertThat(local.health().getDetails().get("endpoints").toString()).contains("npu-1", "limit=2");
      assertThat(((HealthIndicator) health.getContributor("embeddings.cloud")).health().getDetails().toString())
          .contains("cloud").doesNotContain(KEY);
    });
  }

  @Test
  void pastTheWarningDepthTextsSpillToTheCloudWithTheKey() throws Exception {
    long before = cloud.requests();
    String output = Output.of(() -> runner.withPropertyValues(remote())
        .withPropertyValues("headroom.npu.queue-thresholds.warning=1", "headroom.npu.max-batch-size=2",
            "headroom.npu.workers[0].max-concurrency=1")
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
          EmbeddingPool pool = context.getBean(EmbeddingPool.class);
          List<String> texts = IntStream.range(0, 40).mapToObj(i -> "text number " + i + " about the weather")
              .toList();
          Map<String, Integer> byBackend = new TreeMap<>();
          pool.embedAll(texts).forEach(e -> byBackend.merge(e.backend(), 1, Integer::sum));
          assertThat(byBackend).containsKeys("npu-1", "cloud");
          assertThat(context.getBean(MeterRegistry.class).get(HeadroomMetrics.SPILLOVER).tag("reason", "SATURATED")
              .counter().count()).isEqualTo(byBackend.get("cloud").doubleValue());
        }));
    assertThat(cloud.requests()).isGreaterThan(before);
    assertThat(cloud.authorizations()).contains("Bearer " + KEY);
    assertThat(output).doesNotContain(KEY);
  }

  /**
   * {@code auto} takes OpenVINO where the library finds it loadable ({@link OpenVino#availability()}, the answer
   * {@code LocalBackends} acts on: an Intel machine with OpenVINO installed), else ONNX Runtime on the CPU, and logs
   * why (here: OpenVINO's unavailable reason).
   */
  @Test
  void autoChoosesOpenVinoWhereItLoadsElseOnnxRuntimeAndClosingTheContextEndsThePoolAndItsThreads()
      throws Exception {
    Availability openVino = OpenVino.availability();
    List<EmbeddingPool> seen = new ArrayList<>();
    List<EmbeddingBackend> chosen = new ArrayList<>();
    String output = Output.of(() -> runner.withPropertyValues("headroom.npu.name=auto-pool",
        "headroom.npu.local.backend=auto", "headroom.npu.local.threads=1").run(context -> {
          EmbeddingPool pool = context.getBean(EmbeddingPool.class);
          seen.add(pool);
          EmbeddingBackend local = pool.backends().get(0);
          chosen.add(local);
          if (openVino.available()) {
            assertThat(local).isInstanceOf(OpenVinoBackend.class);
            assertThat(local.labels()).containsEntry("runtime", "openvino")
                .containsEntry("device", ((OpenVinoBackend) local).device());
          } else {
            assertThat(local).isInstanceOf(OnnxRuntimeBackend.class);
            assertThat(local.labels()).containsEntry("runtime", "onnxruntime").containsEntry("device", "CPU");
          }
          assertThat(pool.embed("hello").backend()).isEqualTo(local.id());
          assertThat(threads("headroom-embed-auto-pool-")).isNotEmpty();
        }));
    if (openVino.available()) {
      String device = ((OpenVinoBackend) chosen.get(0)).device();
      assertThat(output).contains("local embedding backend: openvino:" + device);
    } else {
      assertThat(output).contains("local embedding backend: onnxruntime:CPU")
          .contains("openvino: " + openVino.reason());
    }
    EmbeddingPool closed = seen.get(0);
    assertThatThrownBy(() -> closed.embed("after the context")).isInstanceOf(HeadroomException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> closed.localPool().orElseThrow().acquire(Duration.ZERO))
        .isInstanceOf(HeadroomException.class).hasMessageContaining("closed");
    await().atMost(Duration.ofSeconds(10)).until(() -> threads("headroom-embed-auto-pool-").isEmpty());
  }

  @Test
  void defaultsAreTheBuildersAndCustomizersRun() throws Exception {
    List<String> customized = new ArrayList<>();
    runner.withPropertyValues("headroom.npu.workers[0].id=npu-1", "headroom.npu.workers[0].uri=" + worker.uri(),
            "headroom.npu.cloud.uri=" + cloud.uri(), "headroom.npu.cloud.api-key=" + KEY)
        .withBean(HeadroomNpuCustomizer.class, () -> (name, builder) -> customized.add(name))
        .run(context -> {
          HeadroomNpuProperties p = context.getBean(HeadroomNpuProperties.class);
          assertThat(p.local().backend()).isEqualTo(HeadroomNpuProperties.LocalBackend.NONE);
          EmbeddingPoolBuilder ours = EmbeddingPoolFactory.prepare(p, java.util.Optional.empty(),
              java.util.Optional.empty()).builder();
          EmbeddingPoolBuilder builders = EmbeddingPool.builder("embeddings");
          for (String field : List.of("name", "maxBatchSize", "maxQueueDelay", "buckets", "padToBucket", "warning",
              "critical", "maxAttempts", "closeTimeout")) {
            assertThat(field(ours, field)).as(field).isEqualTo(field(builders, field));
          }
          EmbeddingPool pool = context.getBean(EmbeddingPool.class);
          RemoteWorkerBackend npu = (RemoteWorkerBackend) pool.backends().get(0);
          RemoteWorkerBackend npuDefaults = RemoteWorkerBackend.builder("npu-1", worker.uri()).build();
          assertThat(npu.toString()).isEqualTo(npuDefaults.toString());
          assertThat(List.of(npu.dimensions(), npu.maxBatchSize(), npu.maxConcurrency())).isEqualTo(
              List.of(npuDefaults.dimensions(), npuDefaults.maxBatchSize(), npuDefaults.maxConcurrency()));
          CloudEmbeddingBackend c = (CloudEmbeddingBackend) pool.backends().get(1);
          CloudEmbeddingBackend cDefaults = CloudEmbeddingBackend.builder(cloud.uri(), KEY).build();
          assertThat(c.toString()).isEqualTo(cDefaults.toString());
          assertThat(List.of(c.dimensions(), c.maxBatchSize(), c.maxConcurrency())).isEqualTo(
              List.of(cDefaults.dimensions(), cDefaults.maxBatchSize(), cDefaults.maxConcurrency()));
          assertThat(pool.localPool().orElseThrow().config().outlierDetection())
              .isEqualTo(dev.headroom.core.PoolConfig.builder("x")
                  .endpoint(dev.headroom.core.Endpoint.of("a", java.net.URI.create("http://a"), 1)).build()
                  .outlierDetection());
          assertThat(customized).containsExactly("embeddings");
        });
  }

  @Test
  void absentWithoutPropertiesWhenSwitchedOffOrWithoutTheModule() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddingPool.class));
    runner.withPropertyValues(remote()).withPropertyValues("headroom.npu.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddingPool.class));
    runner.withPropertyValues(remote()).withPropertyValues("headroom.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddingPool.class));
    runner.withPropertyValues(remote()).withClassLoader(new FilteredClassLoader(EmbeddingPool.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddingPool.class)
            .doesNotHaveBean(HeadroomNpuProperties.class));
  }

  @Test
  void theApplicationsOwnPoolWinsAndItsCorePoolsStillShowInTheRegistry() {
    runner.withPropertyValues(withLocal())
        .withBean("myPool", EmbeddingPool.class, () -> EmbeddingPool.builder("mine")
            .backend(RemoteWorkerBackend.builder("w", worker.uri()).build()).build())
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(EmbeddingPool.class);
          assertThat(context.getBean(EmbeddingPool.class).name()).isEqualTo("mine");
          assertThat(context.getBean(HeadroomPools.class).names()).containsExactly("mine.local");
        });
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("headroom.npu.name= ", "headroom.npu.name", "non-empty"),
        Arguments.of("headroom.npu.max-batch-size=0", "headroom.npu.max-batch-size", "must be >= 1"),
        Arguments.of("headroom.npu.max-queue-delay=-1ms", "headroom.npu.max-queue-delay", "must be >= 0"),
        Arguments.of("headroom.npu.max-attempts=0", "headroom.npu.max-attempts", "must be >= 1"),
        Arguments.of("headroom.npu.length-buckets[0]=32,headroom.npu.length-buckets[1]=16",
            "headroom.npu.length-buckets", "ascending"),
        Arguments.of("headroom.npu.queue-thresholds.warning=0", "headroom.npu.queue-thresholds.warning", ">= 1"),
        Arguments.of("headroom.npu.queue-thresholds.critical=50", "headroom.npu.queue-thresholds.critical",
            ">= queue-thresholds.warning"),
        Arguments.of("headroom.npu.local.threads=0", "headroom.npu.local.threads", "must be >= 1"),
        Arguments.of("headroom.npu.local.max-concurrency=0", "headroom.npu.local.max-concurrency", ">= 1"),
        Arguments.of("headroom.npu.local.id=npu-1", "headroom.npu.workers[0].id", "must be unique"),
        Arguments.of("headroom.npu.local.backend=openvino,headroom.npu.local.device.priority=AUTO",
            "headroom.npu.local.device.priority", "plain devices"),
        Arguments.of("headroom.npu.local.backend=auto,headroom.npu.local.device.cooldown=-1s",
            "headroom.npu.local.device.cooldown", "must be >= 0"),
        Arguments.of("headroom.npu.model.max-tokens=1000", "headroom.npu.model.max-tokens", "[3, 512]"),
        Arguments.of("headroom.npu.model.dimensions=768", "headroom.npu.model.dimensions", "384"),
        Arguments.of("headroom.npu.model.file=/nonexistent/model.onnx", "headroom.npu.model.file",
            "readable file"),
        Arguments.of("headroom.npu.workers[0].dimensions=768", "headroom.npu.workers[0].dimensions",
            "must equal headroom.npu.model.dimensions"),
        Arguments.of("headroom.npu.workers[0].uri=ftp://x", "headroom.npu.workers[0].uri", "http(s)"),
        Arguments.of("headroom.npu.workers[1].uri=http://127.0.0.1:9", "headroom.npu.workers[1].id", "must be set"),
        Arguments.of("headroom.npu.workers[0].max-concurrency=0", "headroom.npu.workers[0].max-concurrency",
            ">= 1"),
        Arguments.of("headroom.npu.workers[0].timeout=0s", "headroom.npu.workers[0].timeout", "must be > 0"),
        Arguments.of("headroom.npu.cloud.api-key= ", "headroom.npu.cloud.api-key", "must be set"),
        Arguments.of("headroom.npu.cloud.id=npu-1", "headroom.npu.cloud.id", "must be unique"),
        Arguments.of("headroom.npu.cloud.dimensions=1536", "headroom.npu.cloud.dimensions", "must equal"),
        Arguments.of("headroom.npu.cloud.max-batch-size=0", "headroom.npu.cloud.max-batch-size", ">= 1"),
        Arguments.of("headroom.npu.outlier-detection.max-ejection-share=2",
            "headroom.npu.outlier-detection.max-ejection-share", "[0, 1]"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void aBadValueFailsStartupNamingItsPropertyAndNeverTheKey(String properties, String property, String requirement)
      throws Exception {
    String output = Output.of(() -> runner.withPropertyValues(withLocal()).withPropertyValues(properties.split(","))
        .run(context -> {
          assertFailedNaming(context, property, requirement, KEY);
        }));
    assertThat(output).doesNotContain(KEY);
  }

  @Test
  void withNothingToRunOnStartupFailsNamingTheLocalBackend() {
    runner.withPropertyValues("headroom.npu.name=empty").run(context -> {
      ConfigException e = find(context.getStartupFailure(), ConfigException.class);
      assertThat(e.setting()).isEqualTo("headroom.npu.local.backend");
      assertThat(e.getMessage()).contains("needs a backend");
    });
  }

  @Test
  void theApiKeyIsNeverInThePropertiesOrThePool() {
    runner.withPropertyValues(remote()).run(context -> {
      HeadroomNpuProperties properties = context.getBean(HeadroomNpuProperties.class);
      assertThat(properties.cloud().apiKey()).isEqualTo(KEY);
      assertThat(properties.toString()).contains("apiKey=[redacted]").doesNotContain(KEY);
      EmbeddingPool pool = context.getBean(EmbeddingPool.class);
      assertThat(pool.toString() + pool.backends()).doesNotContain(KEY);
    });
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    Field field = target.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(target);
  }

  private static List<String> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith(prefix)).toList();
  }

}
