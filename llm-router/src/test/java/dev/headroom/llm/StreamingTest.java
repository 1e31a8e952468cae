package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static dev.headroom.llm.Fleet.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.BackendException;
import dev.headroom.core.Outcome;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.LlmFault;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamingTest {
  private final Fleet fleet = new Fleet();

  @AfterEach
  void close() {
    fleet.close();
  }

  private static void assertIndicesInOrder(Collector c) {
    assertThat(c.chunks.stream().map(Chunk::index).toList())
        .isEqualTo(IntStream.range(0, c.chunks.size()).boxed().toList());
  }

  @Test
  void aStreamDeliversEveryTokenOnceAndReportsItsNumbers() throws Exception {
    FakeOllama node = fleet.node(FakeOllama.builder("n").loaded(MODEL).answerTokens(8));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    ChatStream stream = router.stream(ask("hello"));
    Collector c = new Collector();
    stream.subscribe(c);
    c.await();

    assertThat(c.completions.get()).isEqualTo(1);
    assertThat(c.errors.get()).isZero();
    assertThat(c.chunks).hasSize(8);
    assertIndicesInOrder(c);
    assertThat(c.text()).isEqualTo(node.answerFor(MODEL, "hello", 0, 100));
    ChatResponse done = stream.result().join();
    assertThat(done.text()).isEqualTo(c.text());
    assertThat(done.completionTokens()).isEqualTo(8);
    assertThat(done.timeToFirstToken()).isPositive();
    await().until(() -> router.localPool().inFlight() == 0);
    assertThat(fleet.outcomes("n", Outcome.SUCCESS)).isEqualTo(1);
  }

  @Test
  void aNodeKilledMidStreamGivesTheFirstTokensOnceThenStreamInterruptedWithoutRetrying() throws Exception {
    fleet.node(FakeOllama.builder("a").loaded(MODEL).tokensPerSecond(20).answerTokens(40));
    fleet.node(FakeOllama.builder("b").loaded(MODEL).tokensPerSecond(20).answerTokens(40));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    Collector c = new Collector();
    router.stream(ask("tell me a long story")).subscribe(c);
    await().until(() -> c.chunks.size() >= 3);
    FakeOllama serving = fleet.nodes.stream().filter(n -> n.pending() > 0).findFirst().orElseThrow();
    FakeOllama other = fleet.nodes.stream().filter(n -> n != serving).findFirst().orElseThrow();
    serving.kill();
    c.await();

    assertThat(c.error).isInstanceOf(StreamInterruptedException.class);
    StreamInterruptedException e = (StreamInterruptedException) c.error;
    assertThat(e.partialText()).isEqualTo(c.text());
    assertThat(e.chunks()).isEqualTo(c.chunks.size());
    assertThat(serving.answerFor(MODEL, "tell me a long story", 0, 100)).startsWith(c.text());
    assertIndicesInOrder(c);
    assertThat(c.completions.get()).isZero();
    assertThat(c.signalsAfterEnd.get()).isZero();
    assertThat(other.generations()).as("no silent restart on another node").isZero();
    await().until(() -> router.localPool().inFlight() == 0);
    assertThat(fleet.outcomes(serving.name(), Outcome.FAILURE)).isEqualTo(1);
  }

  @Test
  void aConnectionDroppedMidStreamEndsItWithExactlyTheTextDeliveredAndNoRetry() throws Exception {
    FakeOllama node = fleet.node(FakeOllama.builder("n").loaded(MODEL).answerTokens(10));
    node.inject(LlmFault.disconnectAfter(3));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    Collector c = new Collector();
    router.stream(ask("q")).subscribe(c);
    c.await();

    // three tokens were written; a dropped connection may lose the last ones in flight, never repeat them
    assertThat(c.chunks).hasSizeBetween(1, 3);
    assertIndicesInOrder(c);
    assertThat(c.error).isInstanceOf(StreamInterruptedException.class);
    assertThat(((StreamInterruptedException) c.error).partialText()).isEqualTo(c.text());
    assertThat(node.answerFor(MODEL, "q", 0, 3)).startsWith(c.text());
    assertThat(node.generations()).isEqualTo(1);
  }

  @Test
  void anInBandErrorBeforeTheFirstTokenIsAFailureRetriedOnAnotherNode() throws Exception {
    FakeOllama broken = fleet.node(FakeOllama.builder("a-broken").loaded(MODEL));
    fleet.node(FakeOllama.builder("b").model(MODEL).coldLoad(Duration.ofMillis(50)));
    broken.inject(LlmFault.inBandErrorAfter(0));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    ChatStream stream = router.stream(ask("q"));
    Collector c = new Collector();
    stream.subscribe(c);
    c.await();

    assertThat(c.completions.get()).isEqualTo(1);
    assertThat(stream.result().join().endpoint()).isEqualTo("b");
    assertThat(broken.generations()).isEqualTo(1);
    assertThat(fleet.outcomes("a-broken", Outcome.FAILURE)).isEqualTo(1);
  }

  @Test
  void anInBandErrorAfterTheFirstTokenEndsTheStreamAsAFailure() throws Exception {
    fleet.node(FakeOllama.builder("n").loaded(MODEL)).inject(LlmFault.inBandErrorAfter(2));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    Collector c = new Collector();
    router.stream(ask("q")).subscribe(c);
    c.await();

    assertThat(c.chunks).hasSize(2);
    assertThat(c.error).isInstanceOf(StreamInterruptedException.class)
        .hasCauseInstanceOf(BackendException.class)
        .hasMessageContaining("in-band error");
    await().until(() -> router.localPool().inFlight() == 0);
    assertThat(fleet.outcomes("n", Outcome.FAILURE)).isEqualTo(1);
    assertThat(fleet.outcomes("n", Outcome.SUCCESS)).isZero();
  }

  @Test
  void aNodeSilentPastTheFirstTokenTimeoutIsAbandonedForAnother() throws Exception {
    FakeOllama silent = fleet.node(FakeOllama.builder("a-silent").loaded(MODEL));
    fleet.node(FakeOllama.builder("b").model(MODEL).coldLoad(Duration.ofMillis(50)));
    silent.inject(LlmFault.stallAfter(0));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).firstTokenTimeout(Duration.ofMillis(400)));

    ChatStream stream = router.stream(ask("q"));
    Collector c = new Collector();
    stream.subscribe(c);
    c.await();

    assertThat(c.completions.get()).isEqualTo(1);
    assertThat(stream.result().join().endpoint()).isEqualTo("b");
    assertThat(fleet.outcomes("a-silent", Outcome.FAILURE)).isEqualTo(1);
  }

  @Test
  void aStreamThatGoesQuietPastTheIdleTimeoutFailsWithTheTextSoFar() throws Exception {
    FakeOllama node = fleet.node(FakeOllama.builder("n").loaded(MODEL));
    node.inject(LlmFault.stallAfter(2));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).idleTimeout(Duration.ofMillis(300)));

    Collector c = new Collector();
    router.stream(ask("q")).subscribe(c);
    c.await();

    assertThat(c.chunks).hasSize(2);
    assertThat(c.error).isInstanceOf(StreamInterruptedException.class).hasMessageContaining("no chunk for 300 ms");
    assertThat(c.error.getCause()).hasCauseInstanceOf(TimeoutException.class);
    assertThat(((StreamInterruptedException) c.error).partialText()).isEqualTo(node.answerFor(MODEL, "q", 0, 2));
  }

  @Test
  void timeSpentWaitingForTheSubscribersDemandDoesNotCountAsIdle() throws Exception {
    fleet.node(FakeOllama.builder("n").loaded(MODEL).answerTokens(4));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).idleTimeout(Duration.ofMillis(200)));
    Flow.Subscription[] subscription = new Flow.Subscription[1];
    Collector c = new Collector() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription[0] = s;
        s.request(1);
      }

      @Override
      public void onNext(Chunk item) {
        chunks.add(item); // no further request: the next one comes from the test, later
      }
    };

    router.stream(ask("q")).subscribe(c);
    await().until(() -> c.chunks.size() == 1);
    await().pollDelay(Duration.ofMillis(600)).until(() -> true); // a slow consumer: 3x the idle timeout
    subscription[0].request(Long.MAX_VALUE);
    c.await();

    assertThat(c.completions.get()).isEqualTo(1);
    assertThat(c.chunks).hasSize(4);
  }

  @Test
  void cancellingReleasesTheLeaseOnceAsCancelledAndStopsTheChunks() throws Exception {
    fleet.node(FakeOllama.builder("n").loaded(MODEL).tokensPerSecond(50).answerTokens(30));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    ChatStream stream = router.stream(ask("q"));
    Collector c = new Collector(2);
    stream.subscribe(c);
    c.await();

    await().until(() -> router.localPool().inFlight() == 0);
    await().pollDelay(Duration.ofMillis(200)).until(() -> true); // room for a late chunk, should one come
    assertThat(c.chunks).hasSize(2);
    assertThat(c.signalsAfterEnd.get()).isZero();
    assertThat(stream.result()).isCancelled();
    assertThat(fleet.outcomes("n", Outcome.CANCELLED)).isEqualTo(1);
    assertThat(fleet.outcomes("n", Outcome.SUCCESS) + fleet.outcomes("n", Outcome.FAILURE)).isZero();
  }

  @Test
  void aBusyNodeBeforeTheFirstTokenIsReroutedWithoutPenalty() throws Exception {
    FakeOllama busy = fleet.node(FakeOllama.builder("a-busy").loaded(MODEL));
    fleet.node(FakeOllama.builder("b").model(MODEL).coldLoad(Duration.ofMillis(50)));
    busy.inject(LlmFault.busy());
    LlmRouter router = fleet.start(fleet.routerBuilder(1));

    ChatStream stream = router.stream(ask("q"));
    Collector c = new Collector();
    stream.subscribe(c);
    c.await();

    assertThat(stream.result().join().endpoint()).isEqualTo("b");
    assertThat(busy.busyReplies()).isEqualTo(1);
    assertThat(fleet.outcomes("a-busy", Outcome.BUSY)).isEqualTo(1);
    assertThat(fleet.outcomes("a-busy", Outcome.FAILURE)).isZero();
  }

  @Test
  void aStreamHasASingleSubscriber() throws Exception {
    fleet.node(FakeOllama.builder("n").loaded(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(1));
    ChatStream stream = router.stream(ask("q"));
    Collector first = new Collector();
    Collector second = new Collector();

    stream.subscribe(first);
    stream.subscribe(second);

    assertThat(first.await().completions.get()).isEqualTo(1);
    assertThat(second.await().error).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void manyConcurrentStreamsEachEndExactlyOnceAndReleaseEveryLease() throws Exception {
    fleet.node(FakeOllama.builder("a").loaded(MODEL).parallel(4));
    fleet.node(FakeOllama.builder("b").loaded(MODEL).parallel(4));
    LlmRouter router = fleet.start(fleet.routerBuilder(4).localWaitBudget(Duration.ofSeconds(30)));

    List<Collector> collectors = IntStream.range(0, 40).mapToObj(i -> {
      Collector c = i % 5 == 0 ? new Collector(3) : new Collector();
      router.stream(ask("q" + i)).subscribe(c);
      return c;
    }).toList();
    for (Collector c : collectors) {
      c.await();
    }

    assertThat(collectors).allSatisfy(c -> {
      assertThat(c.completions.get() + c.errors.get() + (c.chunks.size() == 3 ? 1 : 0)).isGreaterThanOrEqualTo(1);
      assertThat(c.signalsAfterEnd.get()).isZero();
      assertIndicesInOrder(c);
    });
    await().until(() -> router.localPool().inFlight() == 0);
    double ended = 0;
    for (String id : List.of("a", "b")) {
      for (Outcome o : Outcome.values()) {
        ended += fleet.outcomes(id, o);
      }
    }
    assertThat(ended).as("one lease completion per stream").isEqualTo(40);
  }
}
