package dev.headroom.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.CloudConfig;
import dev.headroom.llm.Deployment;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.ModelGroup;
import dev.headroom.llm.OllamaNode;
import dev.headroom.llm.Provider;
import dev.headroom.llm.SpendLimit;
import dev.headroom.llm.SpendLimitExceededException;
import dev.headroom.redis.fleet.FleetMetricNames;
import dev.headroom.redis.fleet.RedisFleet;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import dev.headroom.testkit.redis.RedisClusterFixture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cloud spend limit across four replicas of one service: four {@link LlmRouter}s of the same name, each with its
 * own {@link RedisFleet}, whose only local node lacks the model, so every request overflows to the one fake cloud.
 * The limit counts on the cloud's own side. One cluster for the class.
 */
class FleetSpendLimitTest {
  private static final String MODEL = "llama3.2";
  private static final int LIMIT = 60;
  private static final int ROUTERS = 4;
  private static final int PER_ROUTER = 70; // 280 in all: more than 4 x 60, so the local-only count shows too

  private static RedisClusterFixture redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisClusterFixture.builder().replicasPerMaster(0).start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  /** What the routers answered, and what reached the cloud. */
  private record Outcome(int served, int refused, List<String> otherFailures, long cloudRequests,
      List<Integer> countedByRouters) {}

  /**
   * Starts a node without the model and a fake cloud, builds {@link #ROUTERS} routers named alike with the
   * coordinators {@code coordinators} gives, sends {@link #PER_ROUTER} requests to each from 4 threads per router at
   * once, and returns what came back.
   */
  private static Outcome overflow(Function<Integer, FleetCoordinator> coordinators) throws Exception {
    try (FakeOllama node = FakeOllama.builder("gpu-1").loaded("qwen2.5").start(); // the model is absent locally
        FakeOpenAi cloud = FakeOpenAi.builder("cloud").firstToken(Duration.ofMillis(5)).tokensPerSecond(5_000)
            .start()) {
      List<LlmRouter> routers = new ArrayList<>();
      ExecutorService senders = Executors.newFixedThreadPool(4 * ROUTERS);
      try {
        for (int r = 0; r < ROUTERS; r++) {
          routers.add(LlmRouter.builder().name("assistant") // one service: the replicas share one budget
              .node(OllamaNode.of(node.name(), node.uri(), 2))
              .cloud(CloudConfig.builder(cloud.uri()).model(MODEL, "gpt-4o-mini")
                  .spendLimit(SpendLimit.requestsPerMinute(LIMIT)).build())
              .coordinator(coordinators.apply(r))
              .noHealthCheck()
              .requestTimeout(Duration.ofSeconds(30))
              .build());
        }
        AtomicInteger served = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<String> others = new CopyOnWriteArrayList<>();
        List<Future<?>> sent = new ArrayList<>();
        for (int r = 0; r < ROUTERS; r++) {
          LlmRouter router = routers.get(r);
          for (int t = 0; t < 4; t++) {
            int thread = t;
            sent.add(senders.submit(() -> {
              for (int i = thread; i < PER_ROUTER; i += 4) {
                try {
                  ChatResponse reply = router.chat(ChatRequest.chat(MODEL).user("question " + i).build());
                  if (reply.tier().equals(LlmRouter.CLOUD)) {
                    served.incrementAndGet();
                  } else {
                    others.add("served by " + reply.tier());
                  }
                } catch (SpendLimitExceededException e) {
                  refused.incrementAndGet();
                } catch (RuntimeException e) {
                  others.add(e.toString());
                }
              }
            }));
          }
        }
        for (Future<?> f : sent) {
          f.get(); // each sender ends within its requests' timeouts
        }
        List<Integer> counted = routers.stream().map(LlmRouter::cloudRequestsLastMinute).toList();
        return new Outcome(served.get(), refused.get(), others, cloud.requests(), counted);
      } finally {
        senders.shutdownNow();
        routers.forEach(LlmRouter::close);
      }
    }
  }

  @Test
  void fourReplicasSharingTheFleetSendAtMostTheLimitToTheCloudInTheMinute() throws Exception {
    List<RedisFleet> fleets = new ArrayList<>();
    List<SimpleMeterRegistry> registries = new ArrayList<>();
    try {
      for (int r = 0; r < ROUTERS; r++) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registries.add(registry);
        fleets.add(RedisFleet.builder().seeds(redis.uris()).replicaId("app-" + r)
            .publishInterval(Duration.ofMillis(100))
            .commandBudget(Duration.ofSeconds(2)) // never degraded by a slow moment: the count is to be exact
            .meterRegistry(registry).build());
      }
      // a replica whose first round was slow starts degraded: the run starts in shared mode
      await().atMost(Duration.ofSeconds(10)).until(() -> fleets.stream().noneMatch(RedisFleet::degraded));
      List<Double> errorsBefore = registries.stream().map(FleetSpendLimitTest::errors).toList();

      Outcome outcome = overflow(fleets::get);
      System.out.println("spend limit " + LIMIT + "/min across " + ROUTERS + " replicas sharing the fleet: " + outcome);

      assertThat(registries.stream().map(FleetSpendLimitTest::errors).toList())
          .as("calls to Redis that failed or timed out (each would have decided locally)").isEqualTo(errorsBefore);
      assertThat(outcome.cloudRequests()).as("requests that reached the cloud, on its own count").isEqualTo(LIMIT);
      assertThat(outcome.served()).isEqualTo(LIMIT);
      assertThat(outcome.refused()).as("refused with SpendLimitExceededException")
          .isEqualTo(ROUTERS * PER_ROUTER - LIMIT);
      assertThat(outcome.otherFailures()).isEmpty();
      assertThat(outcome.countedByRouters()).as("the minute's count, as each router reads the shared window")
          .containsOnly(LIMIT);
    } finally {
      fleets.forEach(RedisFleet::close);
    }
  }

  @Test
  void fourReplicasSharingTheFleetHoldAModelGroupDeploymentsRequestLimitTogether() throws Exception {
    int limit = 20;
    List<RedisFleet> fleets = new ArrayList<>();
    List<LlmRouter> routers = new ArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(ROUTERS * 2);
    try (FakeOllama node = FakeOllama.builder("gpu-1").loaded("qwen2.5").start();
        FakeOpenAi openaiServer = FakeOpenAi.builder("openai").firstToken(Duration.ofMillis(5)).start();
        FakeOpenAi azureServer = FakeOpenAi.builder("azure").firstToken(Duration.ofMillis(5)).start()) {
      Provider openai = Provider.builder("openai", openaiServer.uri()).build();
      Provider azure = Provider.builder("azure", azureServer.uri()).build();
      for (int r = 0; r < ROUTERS; r++) {
        RedisFleet fleet = RedisFleet.builder().seeds(redis.uris()).replicaId("group-" + r)
            .publishInterval(Duration.ofMillis(100)).commandBudget(Duration.ofSeconds(2)).build();
        fleets.add(fleet);
        routers.add(LlmRouter.builder().name("agents") // one service: the replicas share the deployments' buckets
            .node(OllamaNode.of(node.name(), node.uri(), 2))
            .modelGroup(ModelGroup.builder("chat")
                // 20 per 10 minutes: no refill worth counting while the test runs
                .deployment(Deployment.on(openai, "gpt-4o-mini").requestLimit(limit, Duration.ofMinutes(10)).build())
                .deployment(Deployment.on(azure, "gpt-4o-mini").build())
                .build())
            .cloudWaitBudget(Duration.ZERO)
            .coordinator(fleet).noHealthCheck().requestTimeout(Duration.ofSeconds(30)).build());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> fleets.stream().noneMatch(RedisFleet::degraded));
      List<String> failures = new CopyOnWriteArrayList<>();
      List<Future<?>> sent = new ArrayList<>();
      for (LlmRouter router : routers) {
        for (int t = 0; t < 2; t++) {
          sent.add(senders.submit(() -> {
            for (int i = 0; i < 10; i++) {
              try {
                router.chat(ChatRequest.chat("chat").user("question " + i).maxTokens(4).build());
              } catch (RuntimeException e) {
                failures.add(e.toString());
              }
            }
          }));
        }
      }
      for (Future<?> f : sent) {
        f.get();
      }

      assertThat(failures).isEmpty();
      assertThat(openaiServer.requests()).as("the limit held for the four replicas together").isEqualTo(limit);
      assertThat(azureServer.requests()).as("the rest went to the group's next deployment")
          .isEqualTo(ROUTERS * 2 * 10 - limit);
    } finally {
      senders.shutdownNow();
      routers.forEach(LlmRouter::close);
      fleets.forEach(RedisFleet::close);
    }
  }

  private static double errors(SimpleMeterRegistry registry) {
    return registry.find(FleetMetricNames.ERRORS).counters().stream().mapToDouble(Counter::count).sum();
  }

  @Test
  void fourReplicasEachAloneSendFourTimesTheLimitToTheCloud() throws Exception {
    Outcome outcome = overflow(r -> FleetCoordinator.local());
    System.out.println("spend limit " + LIMIT + "/min across " + ROUTERS + " replicas, each alone: " + outcome);

    assertThat(outcome.cloudRequests()).as("requests that reached the cloud, on its own count")
        .isEqualTo(ROUTERS * LIMIT);
    assertThat(outcome.refused()).isEqualTo(ROUTERS * (PER_ROUTER - LIMIT));
    assertThat(outcome.otherFailures()).isEmpty();
  }
}
