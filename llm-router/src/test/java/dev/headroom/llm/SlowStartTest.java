package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static dev.headroom.llm.Fleet.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Endpoint;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.time.VirtualTime;
import dev.headroom.testkit.llm.FakeOllama;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slow start of nodes added at run time, without counting a cold load twice (issue 14 item 3). */
class SlowStartTest {
  private final Fleet fleet = new Fleet();

  /** A node that answers in about 20 ms, so that six callers at once overlap and the nodes' loads matter. */
  private static FakeOllama.Builder fast(String name) {
    return FakeOllama.builder(name).loaded(MODEL).answerTokens(4).tokensPerSecond(200).promptEval(Duration.ZERO);
  }

  /** 300 chats from six callers at once. */
  private static void load(LlmRouter router) {
    ExecutorService callers = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int caller = t;
        done.add(callers.submit(() -> {
          for (int i = 0; i < 50; i++) {
            router.chat(ask("caller " + caller + " question " + i));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      callers.shutdownNow();
    }
  }

  @AfterEach
  void close() {
    fleet.close();
  }

  @Test
  void aNodeAddedAtRunTimeGetsASmallShareWhileItWarmsAndShowsAsWarming() {
    fleet.node(fast("a"));
    fleet.node(fast("b"));
    FakeOllama c = fleet.other(fast("c"));
    // a 10-minute ramp: during the few seconds of this test the new node stays near the ramp's 10% start
    LlmRouter router = fleet.start(fleet.routerBuilder(4).slowStart(Duration.ofMinutes(10)));
    router.addNode(OllamaNode.of("c", c.uri(), 4)).join();

    assertThat(router.fleet()).filteredOn(s -> s.id().equals("c")).singleElement()
        .satisfies(s -> assertThat(s.warming()).isTrue());
    assertThat(router.fleet()).filteredOn(s -> !s.id().equals("c"))
        .allSatisfy(s -> assertThat(s.warming()).as(s.id()).isFalse());

    int requests = 300;
    load(router);
    // at full weight c would get a third; at a tenth of the weight about 0.1 / 2.1 ≈ 5%
    assertThat(c.generations()).as("answers by the warming node of %d", requests)
        .isPositive()
        .isLessThan(requests * 12 / 100);
  }

  @Test
  void withoutSlowStartTheAddedNodeGetsItsFullShareAtOnce() {
    fleet.node(fast("a"));
    fleet.node(fast("b"));
    FakeOllama c = fleet.other(fast("c"));
    LlmRouter router = fleet.start(fleet.routerBuilder(4));
    router.addNode(OllamaNode.of("c", c.uri(), 4)).join();

    assertThat(router.fleet()).allSatisfy(s -> assertThat(s.warming()).as(s.id()).isFalse());
    int requests = 300;
    load(router);
    assertThat(c.generations()).as("answers by the added node of %d", requests).isGreaterThan(requests / 5);
  }

  @Test
  void aNodeThatWouldHaveToLoadTheModelIsNotRampedItsColdLoadIsAlreadyInItsCost() {
    VirtualTime time = new VirtualTime();
    Catalog catalog = new Catalog(Duration.ofSeconds(5).toNanos(), Duration.ofMinutes(5).toNanos());
    Pool pool = Pool.create(PoolConfig.builder("ollama").ticker(time).scheduler(time)
        .endpoint(Endpoint.of("warm", URI.create("http://127.0.0.1:1"), 4))
        .endpoint(Endpoint.of("cold", URI.create("http://127.0.0.1:2"), 4))
        .build());
    for (String node : Set.of("warm", "cold")) {
      catalog.register(node, 0);
      catalog.tags(node, Set.of(MODEL));
    }
    catalog.ps("warm", Map.of(MODEL, time.read() + Duration.ofMinutes(5).toNanos()));
    ModelSelector selector = new ModelSelector(catalog, new LlmCost(new NodeStats(), 256), time, MODEL, 0.2);

    assertThat(selector.slowStart(pool.endpoint("warm").orElseThrow())).as("loaded: ramped").isTrue();
    assertThat(selector.slowStart(pool.endpoint("cold").orElseThrow())).as("must load: not ramped").isFalse();
    assertThat(selector.costFactor(pool.endpoint("cold").orElseThrow()))
        .as("the cold node pays its load in its cost instead").isGreaterThan(1.0);
    pool.close();
  }
}
