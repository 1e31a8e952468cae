package dev.headroom.spring.cache;

import static dev.headroom.spring.StartupFailures.assertFailedNaming;
import static dev.headroom.spring.StartupFailures.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.Health;
import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.InMemoryResponseCache;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.ResponseCache;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.JacksonCodec;
import dev.headroom.redis.TieredCache;
import dev.headroom.redis.TtlPolicy;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.Output;
import dev.headroom.spring.actuate.HeadroomModulesHealthAutoConfiguration;
import dev.headroom.spring.llm.HeadroomLlmAutoConfiguration;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.redis.RedisClusterFixture;
import dev.headroom.testkit.redis.RedisNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
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

/** {@code headroom.cache.*} → a CacheCluster and its namespaces on a real 6-node Redis Cluster on loopback. */
class CacheAutoConfigurationTest {
  static final String PASSWORD = "redis-pw-6d1f0a93";
  static final String MODEL = "llama3.2";
  static final AtomicInteger CLIENTS = new AtomicInteger();
  static RedisClusterFixture redis;
  static FakeOllama ollama;

  @BeforeAll
  static void start() {
    redis = RedisClusterFixture.start();
    ollama = FakeOllama.builder("gpu-1").model(MODEL).loaded(MODEL).start();
  }

  @AfterAll
  static void stop() {
    if (ollama != null) {
      ollama.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class, HeadroomCacheAutoConfiguration.class,
          HeadroomModulesHealthAutoConfiguration.class));

  static String uris() {
    return redis.uris().stream().map(URI::toString).collect(Collectors.joining(","));
  }

  /** The cluster (quick probes and refreshes, generous timeouts: the machine is shared) and two namespaces. */
  static String[] cluster() {
    return new String[] {
        "headroom.cache.name=app-cache",
        "headroom.cache.uris=" + uris(),
        "headroom.cache.client-name=starter-test-" + CLIENTS.incrementAndGet(),
        "headroom.cache.probe-interval=200ms",
        "headroom.cache.topology-refresh-period=1s",
        "headroom.cache.read-timeout=2s",
        "headroom.cache.command-timeout=3s",
        "headroom.cache.settle-time=0s",
        "headroom.cache.namespaces.reports.l1.max-size=100",
        "headroom.cache.namespaces.reports.l1.ttl=30s",
        "headroom.cache.namespaces.reports.ttl.initial=2m",
        "headroom.cache.namespaces.reports.ttl.min=1m",
        "headroom.cache.namespaces.reports.ttl.max=10m",
        "headroom.cache.namespaces.reports.ttl.target-hit-rate.low=0.5",
        "headroom.cache.namespaces.reports.ttl.target-hit-rate.high=0.9",
        "headroom.cache.namespaces.reports.ttl.raise-factor=2",
        "headroom.cache.namespaces.sessions.l1.enabled=false",
        "headroom.cache.namespaces.sessions.ttl.tuning=false",
    };
  }

  @Test
  void theClusterAndItsNamespacesComeFromThePropertiesAndServeThroughRedis() {
    runner.withPropertyValues(cluster()).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(CacheCluster.class).hasSingleBean(HeadroomCaches.class);
      CacheCluster cluster = context.getBean(CacheCluster.class);
      assertThat(cluster.name()).isEqualTo("app-cache");
      await().atMost(Duration.ofSeconds(20)).until(() -> cluster.health() == Health.UP);

      HeadroomCaches caches = context.getBean(HeadroomCaches.class);
      assertThat(caches.names()).containsExactly("reports", "sessions");
      TieredCache<String, String> reports = caches.cache("reports", JacksonCodec.of(String.class, 1));
      assertThat(reports.tuner().policy()).isEqualTo(TtlPolicy.builder().initialTtl(Duration.ofMinutes(2))
          .bounds(Duration.ofMinutes(1), Duration.ofMinutes(10)).targetHitRate(0.5, 0.9).raiseFactor(2).build());
      assertThat(caches.cache("reports", JacksonCodec.of(String.class, 1))).isSameAs(reports);
      assertThatThrownBy(() -> caches.cache("reports", JacksonCodec.of(Integer.class, 1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("one value type per namespace");
      assertThatThrownBy(() -> caches.cache("nope", JacksonCodec.of(String.class, 1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[reports, sessions]");

      AtomicInteger loads = new AtomicInteger();
      assertThat(reports.get("q1", key -> "report " + loads.incrementAndGet())).isEqualTo("report 1");
      assertThat(reports.get("q1", key -> "report " + loads.incrementAndGet())).isEqualTo("report 1");
      assertThat(loads).hasValue(1);
      TieredCache<String, String> sessions = caches.cache("sessions", JacksonCodec.of(String.class, 1));
      sessions.put("s1", "alice");
      assertThat(sessions.get("s1")).hasValue("alice");
      assertThat(sessions.l1Size()).as("no L1: read from Redis").isZero();

      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.get("headroom.cache.l2.up").tag("cache", "app-cache").gauge().value()).isEqualTo(1.0);

      HealthIndicator health = (HealthIndicator) ((CompositeHealthContributor) context
          .getBean("headroomCacheHealthContributor", HealthContributor.class)).getContributor("app-cache");
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsEntry("l2", "UP").containsKey("memoryUse");
      assertThat(health.health().getDetails().get("namespaces").toString())
          .contains("reports={ttl=PT2M, l1Size=1", "hitTarget=0.5-0.9", "sessions={ttl=PT5M");
    });
  }

  @Test
  void anotherInstanceReadsTheValueFromRedisWithoutLoadingIt() {
    // durable writes: a put returns once a replica has it too, so a replica-preferred read elsewhere sees it
    String[] durable = {"headroom.cache.namespaces.reports.durable-writes.replicas=1",
        "headroom.cache.namespaces.reports.durable-writes.timeout=5s"};
    runner.withPropertyValues(cluster()).withPropertyValues(durable).run(first -> {
      TieredCache<String, String> a = first.getBean(HeadroomCaches.class).cache("reports",
          JacksonCodec.of(String.class, 1));
      assertThat(a.put("shared-key", "computed once")).as("acknowledged by the master and a replica").isTrue();
      runner.withPropertyValues(cluster()).withPropertyValues(durable).run(second -> {
        TieredCache<String, String> b = second.getBean(HeadroomCaches.class).cache("reports",
            JacksonCodec.of(String.class, 1));
        assertThat(b.get("shared-key", key -> "computed again")).isEqualTo("computed once");
      });
    });
  }

  @Test
  void theLlmRoutersResponseCacheIsSharedThroughRedis() {
    String[] llm = {"headroom.llm.nodes[0].id=gpu-1", "headroom.llm.nodes[0].uri=" + ollama.uri(),
        "headroom.llm.health-check-interval=0s", "headroom.cache.llm-responses.enabled=true",
        // the namespace's own settings; durable writes so that the next instance's replica read sees the answer
        "headroom.cache.namespaces.llm-responses.durable-writes.replicas=1",
        "headroom.cache.namespaces.llm-responses.durable-writes.timeout=5s"};
    ApplicationContextRunner withLlm = runner.withConfiguration(AutoConfigurations.of(
        HeadroomLlmAutoConfiguration.class)).withPropertyValues(cluster()).withPropertyValues(llm);
    ChatRequest deterministic = ChatRequest.chat(MODEL).user("what is a tier? " + CLIENTS.get()).temperature(0)
        .build();
    List<String> answers = new ArrayList<>();
    withLlm.run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(RedisResponseCache.class);
      assertThat(context.getBean(HeadroomCaches.class).names()).containsExactlyInAnyOrder("reports", "sessions",
          RedisResponseCache.NAMESPACE);
      ChatResponse computed = context.getBean(LlmRouter.class).chat(deterministic);
      assertThat(computed.fromCache()).isFalse();
      answers.add(computed.text());
    });
    long generations = ollama.generations();
    withLlm.run(context -> {
      ChatResponse shared = context.getBean(LlmRouter.class).chat(deterministic);
      assertThat(shared.fromCache()).as("another instance's answer, from Redis").isTrue();
      assertThat(shared.tier()).isEqualTo(LlmRouter.CACHE);
      assertThat(shared.text()).isEqualTo(answers.get(0));
    });
    assertThat(ollama.generations()).isEqualTo(generations);
  }

  @Test
  void closingTheContextClosesTheClustersConnections() {
    String client = "closing-test-" + CLIENTS.incrementAndGet();
    runner.withPropertyValues(cluster()).withPropertyValues("headroom.cache.client-name=" + client)
        .run(context -> {
          await().atMost(Duration.ofSeconds(20)).until(() -> context.getBean(CacheCluster.class).health()
              == Health.UP);
          assertThat(connectionsNamed(client)).isPositive();
        });
    await().atMost(Duration.ofSeconds(20)).until(() -> connectionsNamed(client) == 0);
  }

  @Test
  void absentWithoutPropertiesWhenSwitchedOffOrWithoutTheModule() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CacheCluster.class)
        .doesNotHaveBean(HeadroomCaches.class));
    runner.withPropertyValues(cluster()).withPropertyValues("headroom.cache.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CacheCluster.class));
    runner.withPropertyValues(cluster()).withPropertyValues("headroom.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CacheCluster.class));
    runner.withPropertyValues(cluster()).withClassLoader(new FilteredClassLoader(CacheCluster.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HeadroomCacheProperties.class)
            .doesNotHaveBean("headroomCacheHealthContributor"));
    runner.withPropertyValues(cluster()).run(context -> assertThat(context).hasSingleBean(CacheCluster.class)
        .doesNotHaveBean(ResponseCache.class)); // llm-responses is off by default
    runner.withPropertyValues(cluster()).withPropertyValues("headroom.cache.llm-responses.enabled=true")
        .withClassLoader(new FilteredClassLoader(ResponseCache.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(CacheCluster.class)
            .doesNotHaveBean("headroomLlmResponseCache"));
  }

  @Test
  void theApplicationsOwnClusterAndResponseCacheWin() {
    InMemoryResponseCache mine = InMemoryResponseCache.create(10);
    runner.withPropertyValues(cluster()).withPropertyValues("headroom.cache.llm-responses.enabled=true")
        .withBean("myCluster", CacheCluster.class, () -> CacheCluster.builder().name("mine").seeds(redis.uris())
            .build())
        .withBean(ResponseCache.class, () -> mine)
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(CacheCluster.class).hasSingleBean(ResponseCache.class);
          CacheCluster cluster = context.getBean(CacheCluster.class);
          assertThat(cluster.name()).isEqualTo("mine");
          assertThat(context.getBean(HeadroomCaches.class).cluster()).isSameAs(cluster);
          assertThat(context.getBean(ResponseCache.class)).isSameAs(mine);
          assertThat(((CompositeHealthContributor) context.getBean("headroomCacheHealthContributor",
              HealthContributor.class)).getContributor("mine")).isNotNull();
        });
  }

  @Test
  void defaultsAreTheBuilders() throws Exception {
    runner.withPropertyValues("headroom.cache.uris=" + uris(), "headroom.cache.namespaces.plain.early-refresh=1")
        .run(context -> {
          CacheCluster ours = context.getBean(CacheCluster.class);
          try (CacheCluster builders = CacheCluster.builder().seeds(redis.uris()).build()) {
            Object a = invoke(ours, "settings");
            Object b = invoke(builders, "settings");
            Set<String> instances = Set.of("ticker", "scheduler", "wallClock", "meterRegistry", "password");
            for (RecordComponent c : a.getClass().getRecordComponents()) {
              if (!instances.contains(c.getName())) {
                c.getAccessor().setAccessible(true);
                assertThat(String.valueOf(c.getAccessor().invoke(a))).as(c.getName())
                    .isEqualTo(String.valueOf(c.getAccessor().invoke(b)));
              }
            }
            NamespaceSettings plain = CacheClusterFactory.namespaces(context.getBean(HeadroomCacheProperties.class))
                .get("plain");
            assertThat(plain.ttl()).isEqualTo(TtlPolicy.builder().build());
            TieredCache.Builder<String, String> configured = TieredCache.builder(builders, "plain",
                JacksonCodec.of(String.class, 1));
            plain.apply().accept(configured);
            TieredCache.Builder<String, String> plainBuilder = TieredCache.builder(builders, "plain",
                JacksonCodec.of(String.class, 1));
            for (String field : List.of("l1Enabled", "l1MaximumSize", "l1Ttl", "ttl", "earlyRefreshBeta",
                "durableReplicas", "durableTimeout", "maxValueBytes", "replicaSingleFlightWait")) {
              assertThat(field(configured, field)).as(field).isEqualTo(field(plainBuilder, field));
            }
          }
        });
  }

  @Test
  void replicaSingleFlightIsSetPerNamespace() {
    runner.withPropertyValues(cluster()).withPropertyValues(
        "headroom.cache.namespaces.solo.replica-single-flight.enabled=false",
        "headroom.cache.namespaces.patient.replica-single-flight.max-wait=30s").run(context -> {
          assertThat(context).hasNotFailed();
          CacheCluster cluster = context.getBean(CacheCluster.class);
          var namespaces = CacheClusterFactory.namespaces(context.getBean(HeadroomCacheProperties.class));
          for (String name : List.of("solo", "patient", "reports")) {
            TieredCache.Builder<String, String> builder = TieredCache.builder(cluster, name,
                JacksonCodec.of(String.class, 1));
            namespaces.get(name).apply().accept(builder);
            Object wait = field(builder, "replicaSingleFlightWait");
            assertThat(wait).as(name).isEqualTo(switch (name) {
              case "solo" -> null;
              case "patient" -> Duration.ofSeconds(30);
              default -> TieredCache.DEFAULT_REPLICA_SINGLE_FLIGHT_WAIT;
            });
          }
        });
  }

  @Test
  void withAPasswordItAuthenticatesAndNeverShowsIt() throws Exception {
    for (RedisNode node : redis.nodes()) {
      redis.command(node, "ACL", "SETUSER", "app", "on", ">" + PASSWORD, "~*", "&*", "+@all");
    }
    String output = Output.of(() -> {
      runner.withPropertyValues(cluster()).withPropertyValues("headroom.cache.username=app",
          "headroom.cache.password=" + PASSWORD).run(context -> {
            CacheCluster cluster = context.getBean(CacheCluster.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.health() == Health.UP);
            TieredCache<String, String> reports = context.getBean(HeadroomCaches.class).cache("reports",
                JacksonCodec.of(String.class, 1));
            assertThat(reports.put("authed", "yes")).isTrue();
            assertThat(context.getBean(HeadroomCacheProperties.class).toString()).contains("password=[redacted]")
                .doesNotContain(PASSWORD);
            assertThat(cluster.toString()).doesNotContain(PASSWORD);
          });
      runner.withPropertyValues(cluster()).withPropertyValues("headroom.cache.username=app",
          "headroom.cache.password=wrong-" + PASSWORD).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CacheCluster.class).health()).isEqualTo(Health.DOWN);
            HealthIndicator health = (HealthIndicator) ((CompositeHealthContributor) context
                .getBean("headroomCacheHealthContributor", HealthContributor.class)).getContributor("app-cache");
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getDetails().toString()).doesNotContain(PASSWORD);
          });
    });
    assertThat(output).contains("headroom.cache: CacheCluster{app-cache").doesNotContain(PASSWORD);
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("headroom.cache.uris=http://127.0.0.1:7000", "headroom.cache.uris[0]", "redis://host:port"),
        Arguments.of("headroom.cache.uris=redis://:" + PASSWORD + "@127.0.0.1:7000", "headroom.cache.uris[0]",
            "must not carry credentials"),
        Arguments.of("headroom.cache.uris=", "headroom.cache.uris", "at least one"),
        Arguments.of("headroom.cache.name=a b", "headroom.cache.name", "letters, digits"),
        Arguments.of("headroom.cache.read-from=sideways", "headroom.cache.read-from", "replica-preferred"),
        Arguments.of("headroom.cache.read-timeout=0s", "headroom.cache.read-timeout", "must be > 0"),
        Arguments.of("headroom.cache.settle-time=-1s", "headroom.cache.settle-time", "must be >= 0"),
        Arguments.of("headroom.cache.failure-threshold=0", "headroom.cache.failure-threshold", ">= 1"),
        Arguments.of("headroom.cache.memory-guard.share=1.5", "headroom.cache.memory-guard.share", "(0, 1]"),
        Arguments.of("headroom.cache.key-prefix=a:b", "headroom.cache.key-prefix", "letters, digits"),
        Arguments.of("headroom.cache.io-threads=0", "headroom.cache.io-threads", ">= 1"),
        Arguments.of("headroom.cache.namespaces.reports.l1.ttl=20m", "headroom.cache.namespaces.reports.l1.ttl",
            "must be <= headroom.cache.namespaces.reports.ttl.max"),
        Arguments.of("headroom.cache.namespaces.reports.l1.max-size=0",
            "headroom.cache.namespaces.reports.l1.max-size", ">= 1"),
        Arguments.of("headroom.cache.namespaces.reports.ttl.target-hit-rate.high=0.4",
            "headroom.cache.namespaces.reports.ttl.target-hit-rate.high", "must be in (targetLow"),
        Arguments.of("headroom.cache.namespaces.reports.ttl.target-hit-rate.low=0",
            "headroom.cache.namespaces.reports.ttl.target-hit-rate.low", "(0, 1)"),
        Arguments.of("headroom.cache.namespaces.reports.ttl.initial=1h",
            "headroom.cache.namespaces.reports.ttl.initial", "must be within"),
        Arguments.of("headroom.cache.namespaces.reports.ttl.max=30s", "headroom.cache.namespaces.reports.ttl.max",
            "must be >= minTtl"),
        Arguments.of("headroom.cache.namespaces.reports.ttl.raise-factor=1",
            "headroom.cache.namespaces.reports.ttl.raise-factor", "(1, 100]"),
        Arguments.of("headroom.cache.namespaces.reports.ttl.min-samples=0",
            "headroom.cache.namespaces.reports.ttl.min-samples", ">= 1"),
        Arguments.of("headroom.cache.namespaces.reports.max-value-size=0B",
            "headroom.cache.namespaces.reports.max-value-size", "between 1B and 2GB"),
        Arguments.of("headroom.cache.namespaces.reports.replica-single-flight.max-wait=0s",
            "headroom.cache.namespaces.reports.replica-single-flight.max-wait", "[1ms, 10m]"),
        Arguments.of("headroom.cache.namespaces.reports.replica-single-flight.max-wait=11m",
            "headroom.cache.namespaces.reports.replica-single-flight.max-wait", "[1ms, 10m]"),
        Arguments.of("headroom.cache.namespaces.reports.early-refresh=-1",
            "headroom.cache.namespaces.reports.early-refresh", "[0, 100]"),
        Arguments.of("headroom.cache.namespaces.reports.durable-writes.replicas=1",
            "headroom.cache.namespaces.reports.durable-writes.timeout", "must be > 0"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void aBadValueFailsStartupNamingItsPropertyAndNeverThePassword(String value, String property, String requirement)
      throws Exception {
    String output = Output.of(() -> runner.withPropertyValues(cluster())
        .withPropertyValues("headroom.cache.password=" + PASSWORD, value).run(context -> {
          assertFailedNaming(context, property, requirement, PASSWORD);
        }));
    assertThat(output).doesNotContain(PASSWORD).doesNotContain("headroom.cache: CacheCluster"); // nothing connected
  }

  @Test
  void aUsernameWithoutAPasswordIsRejected() {
    runner.withPropertyValues(cluster()).withPropertyValues("headroom.cache.username=app").run(context -> {
      ConfigException e = find(context.getStartupFailure(), ConfigException.class);
      assertThat(e.setting()).isEqualTo("headroom.cache.username");
      assertThat(e.getMessage()).contains("needs headroom.cache.password");
    });
  }

  private static long connectionsNamed(String client) {
    long count = 0;
    for (RedisNode node : redis.nodes()) {
      count += redis.command(node, "CLIENT", "LIST").lines().filter(l -> l.contains(" name=" + client + " "))
          .count();
    }
    return count;
  }

  private static Object invoke(Object target, String method) throws ReflectiveOperationException {
    Method m = target.getClass().getDeclaredMethod(method);
    m.setAccessible(true);
    return m.invoke(target);
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    Field field = target.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(target);
  }

}
