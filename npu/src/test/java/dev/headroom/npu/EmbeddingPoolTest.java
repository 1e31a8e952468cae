package dev.headroom.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.HeadroomException;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.core.SpillReason;
import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Batching, ordering, concurrency, bad inputs and failures of an {@link EmbeddingPool}. */
class EmbeddingPoolTest {
  private static final Tokenizer TOKENIZER = EmbeddingModel.allMiniLmL6V2().tokenizer();
  private static final Duration AWAIT = Duration.ofSeconds(20);

  @Test
  void aBucketGoesOutWhenFullOrWhenItsOldestTextHasWaitedTheDelay() {
    VirtualTime time = new VirtualTime();
    FakeDevice device = new FakeDevice("d", 8, 1, true);
    try (EmbeddingPool pool = EmbeddingPool.builder("delay").tokenizer(TOKENIZER).backend(device)
        .maxBatchSize(4).maxQueueDelay(Duration.ofMillis(10)).clock(time).build()) {
      List<CompletableFuture<Embedding>> first = pool.submitAll(List.of("one", "two", "three"));
      time.advance(Duration.ofMillis(9));
      assertThat(device.calls.get()).as("nothing is sent before the delay").isZero();
      assertThat(pool.queueDepth()).isEqualTo(3);
      time.advance(Duration.ofMillis(1));
      await().atMost(AWAIT).until(() -> first.stream().allMatch(CompletableFuture::isDone));
      assertThat(device.batches).singleElement().satisfies(b -> assertThat(b.size()).isEqualTo(3));

      List<CompletableFuture<Embedding>> full = pool.submitAll(List.of("a", "b", "c", "d"));
      await().atMost(AWAIT).until(() -> full.stream().allMatch(CompletableFuture::isDone));
      assertThat(device.batches).hasSize(2);
      assertThat(device.batches.get(1).texts()).containsExactly("a", "b", "c", "d");
      assertThat(pool.queueDepth()).isZero();
    }
  }

  @Test
  void textsAreBatchedByLengthBucketAndPaddedToTheLongestOrToTheBucket() {
    String longText = "a sentence long enough to need more than sixteen tokens, because it goes on and on";
    List<String> texts = List.of("short one", longText, "short two", "word ".repeat(400));
    for (boolean toBucket : new boolean[] {false, true}) {
      VirtualTime time = new VirtualTime();
      FakeDevice device = new FakeDevice("d", 8, 1, true);
      try (EmbeddingPool pool = EmbeddingPool.builder("buckets").tokenizer(TOKENIZER).backend(device)
          .lengthBuckets(16, 64).padToBucketLength(toBucket).maxQueueDelay(Duration.ofMillis(5)).clock(time)
          .build()) {
        assertThat(pool.lengthBuckets()).containsExactly(16, 64, 256);
        List<CompletableFuture<Embedding>> futures = pool.submitAll(texts);
        time.advance(Duration.ofMillis(5));
        await().atMost(AWAIT).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
        assertThat(device.batches).hasSize(3);
        EmbeddingBatch shorts = device.batches.stream().filter(b -> b.texts().get(0).startsWith("short"))
            .findFirst().orElseThrow();
        assertThat(shorts.texts()).containsExactly("short one", "short two");
        int longestShort = Math.max(TOKENIZER.encode("short one").length(), TOKENIZER.encode("short two").length());
        assertThat(shorts.paddedLength()).isEqualTo(toBucket ? 16 : longestShort);
        if (toBucket) {
          assertThat(shorts.attentionMask().get(TOKENIZER.encode("short one").length())).as("padding").isZero();
        }
        assertThat(device.batches).extracting(EmbeddingBatch::paddedLength)
            .contains(toBucket ? 64 : TOKENIZER.encode(longText).length(), 256);
        assertThat(futures.get(3).join().truncated()).isTrue();
        assertThat(futures.get(0).join().truncated()).isFalse();
      }
    }
  }

  @Test
  void aDueBatchWaitingForASlotArmsNoTimer() {
    VirtualTime time = new VirtualTime();
    FakeDevice device = new FakeDevice("d", 4, 1, true).hold();
    try (EmbeddingPool pool = EmbeddingPool.builder("idle-wait").tokenizer(TOKENIZER).backend(device)
        .maxBatchSize(4).maxQueueDelay(Duration.ofMillis(10)).clock(time).build()) {
      List<CompletableFuture<Embedding>> futures = new ArrayList<>(pool.submitAll(List.of("a", "b", "c", "d")));
      await().atMost(AWAIT).until(() -> device.running.get() == 1);
      futures.addAll(pool.submitAll(List.of("e", "f")));
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> time.advance(Duration.ofMillis(50)));
      assertThat(time.pendingTasks()).as("no timer spins while the only slot is busy").isZero();
      assertThat(pool.queueDepth()).isEqualTo(2);
      device.release();
      await().atMost(AWAIT).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
      assertThat(device.batches).extracting(EmbeddingBatch::size).containsExactly(4, 2);
    }
  }

  @Test
  void eachBackendGetsAtMostItsConcurrencyAndThePickerSpreadsBatches() {
    FakeDevice a = new FakeDevice("a", 2, 2, true).hold();
    FakeDevice b = new FakeDevice("b", 2, 1, true).hold();
    try (EmbeddingPool pool = EmbeddingPool.builder("spread").tokenizer(TOKENIZER).backend(a).backend(b)
        .maxBatchSize(2).maxQueueDelay(Duration.ZERO).build()) {
      List<CompletableFuture<Embedding>> futures = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        futures.add(pool.embedAsync("text " + i));
      }
      await().atMost(AWAIT).until(() -> a.running.get() == 2 && b.running.get() == 1);
      assertThat(pool.localPool().orElseThrow().inFlight()).isEqualTo(3);
      assertThat(pool.load().inFlight()).isBetween(3, 6);
      a.release();
      b.release();
      await().atMost(AWAIT).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
      assertThat(a.maxRunning.get()).isEqualTo(2);
      assertThat(b.maxRunning.get()).isEqualTo(1);
      assertThat(a.textsEmbedded() + b.textsEmbedded()).isEqualTo(20);
      assertThat(b.textsEmbedded()).isPositive();
      assertThat(pool.localPool().orElseThrow().inFlight()).isZero();
    }
  }

  @Test
  void resultsKeepOrderAndEveryTextIsAnsweredExactlyOnceUnderFailures() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FakeDevice flaky = new FakeDevice("flaky", 16, 2, true).failCalls(call -> call % 5 == 0);
    FakeDevice steady = new FakeDevice("steady", 16, 2, true);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (EmbeddingPool pool = EmbeddingPool.builder("order").tokenizer(TOKENIZER).backend(flaky).backend(steady)
        .maxBatchSize(16).maxQueueDelay(Duration.ofMillis(20)).maxAttempts(5).meterRegistry(registry)
        .corePools(config -> config.outlierDetection(dev.headroom.core.OutlierDetection.disabled()))
        .build()) {
      List<Future<List<CompletableFuture<Embedding>>>> submitted = new ArrayList<>();
      for (int caller = 0; caller < 4; caller++) {
        int c = caller;
        submitted.add(callers.submit(() -> {
          List<String> texts = new ArrayList<>();
          for (int i = 0; i < 125; i++) {
            texts.add("caller " + c + " text " + i + (i % 4 == 0 ? " with a longer tail to change its bucket" : ""));
          }
          return pool.submitAll(texts);
        }));
      }
      int answered = 0;
      for (int caller = 0; caller < 4; caller++) {
        List<CompletableFuture<Embedding>> futures = submitted.get(caller).get();
        for (int i = 0; i < futures.size(); i++) {
          String text = "caller " + caller + " text " + i + (i % 4 == 0 ? " with a longer tail to change its bucket"
              : "");
          Embedding embedding = futures.get(i).get(20, java.util.concurrent.TimeUnit.SECONDS);
          assertThat(embedding.vector()).as(text).isEqualTo(TestVectors.forText(text, 384));
          answered++;
        }
      }
      assertThat(answered).isEqualTo(500);
      double successes = registry.get(NpuMetricNames.EMBEDDINGS).tags("outcome", "success").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      assertThat(successes).as("answered once each, failures retried").isEqualTo(500.0);
      assertThat(registry.get(NpuMetricNames.SPLITS).counter().count()).isPositive();
      // a batch's lease is released just after its texts' futures complete: wait for it, within a bound
      await().atMost(AWAIT).untilAsserted(() -> {
        assertThat(pool.queueDepth()).isZero();
        assertThat(pool.load().inFlight()).isZero();
      });
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void badInputsFailAloneWithTheirIndex() throws Exception {
    VirtualTime time = new VirtualTime();
    FakeDevice device = new FakeDevice("d", 8, 1, true).refuse("BAD");
    try (EmbeddingPool pool = EmbeddingPool.builder("bad").tokenizer(TOKENIZER).backend(device)
        .maxQueueDelay(Duration.ofMillis(50)).clock(time).build()) {
      List<String> texts = new ArrayList<>(List.of("fine 0", "", "fine 2", "   \t ", "fine 4", "BAD input",
          "fine 6", "\u0000\u0007"));
      texts.add(1, null);
      List<CompletableFuture<Embedding>> futures = pool.submitAll(texts);
      time.advance(Duration.ofMillis(50));
      CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).exceptionally(e -> null).join();
      assertFailure(futures.get(1), 1, "input 1: is null");
      assertFailure(futures.get(2), 2, "input 2: is empty");
      assertFailure(futures.get(4), 4, "input 4: is blank");
      assertFailure(futures.get(6), 6, "input 6: refused by d");
      assertFailure(futures.get(8), 8, "input 8: has no tokens");
      for (int i : new int[] {0, 3, 5, 7}) {
        assertThat(futures.get(i).get().vector()).isEqualTo(TestVectors.forText(texts.get(i), 384));
      }
      assertThat(device.batches.get(0).size()).as("the good texts and the bad one went out together").isEqualTo(5);
      assertThatThrownBy(() -> pool.embed(null)).isInstanceOf(EmbeddingInputException.class)
          .hasMessage("input: is null");
      assertThatThrownBy(() -> pool.embedAll(List.of("", "ok"))).isInstanceOf(EmbeddingInputException.class)
          .hasMessage("input 0: is empty");
      assertThat(pool.localPool().orElseThrow().snapshot().size()).as("a refusal does not eject the device")
          .isEqualTo(1);
    }
  }

  @Test
  void aQueueDeeperThanTheWarningThresholdSpillsToTheCloudAndIsCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FakeDevice device = new FakeDevice("npu", 4, 1, true).hold();
    try (CloudStub cloud = new CloudStub();
        EmbeddingPool pool = EmbeddingPool.builder("spill").tokenizer(TOKENIZER).backend(device)
            .cloud(cloud.backend()).maxBatchSize(4).maxQueueDelay(Duration.ZERO).queueThresholds(10, 20)
            .meterRegistry(registry).build()) {
      List<CompletableFuture<Embedding>> futures = new ArrayList<>();
      futures.add(pool.embedAsync("text 0"));
      await().atMost(AWAIT).until(() -> device.running.get() == 1); // one batch holds the only slot
      for (int i = 1; i < 30; i++) {
        futures.add(pool.embedAsync("text " + i));
      }
      assertThat(pool.queueDepth()).isEqualTo(10);
      assertThat(pool.queueLevel()).isEqualTo(QueueLevel.WARNING);
      assertThat(registry.get(NpuMetricNames.QUEUE_DEPTH).tags("pool", "spill").gauge().value()).isEqualTo(10.0);
      await().atMost(AWAIT).until(() -> futures.subList(11, 30).stream().allMatch(CompletableFuture::isDone));
      assertThat(registry.get(NpuMetricNames.SPILLOVER).tags("router", "spill", "from", "local", "to", "cloud",
          "reason", SpillReason.SATURATED.name()).counter().count()).isEqualTo(19.0);
      device.release();
      await().atMost(AWAIT).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
      for (int i = 0; i < 30; i++) {
        Embedding embedding = futures.get(i).join();
        assertThat(embedding.backend()).isEqualTo(i <= 10 ? "npu" : "cloud");
        assertThat(embedding.vector()).isEqualTo(TestVectors.forText("text " + i, 384));
      }
      assertThat(pool.queueLevel()).isEqualTo(QueueLevel.OK);
    }
  }

  @Test
  void aLocalBackendsNanOrZeroVectorsAreATypedFailureNeverAnAnswer() {
    for (float fill : new float[] {Float.NaN, 0f}) {
      FakeDevice broken = new FakeDevice("broken", 4, 1, true).answer(text -> {
        float[] v = new float[384];
        java.util.Arrays.fill(v, fill);
        return v;
      });
      try (EmbeddingPool pool = EmbeddingPool.builder("bad").tokenizer(TOKENIZER).backend(broken)
          .maxQueueDelay(Duration.ZERO).build()) {
        assertThatThrownBy(() -> pool.embed("a cat sits on the mat"))
            .isInstanceOfSatisfying(BadEmbeddingException.class, e -> {
              assertThat(e.backend()).isEqualTo("broken");
              assertThat(e.problem()).contains(Float.isNaN(fill) ? "NaN at dimension 0" : "all zeros");
            });
        assertThat(broken.calls.get()).as("each try failed and was retried").isEqualTo(3);
      }
    }
  }

  @Test
  void embedAllOfTenThousandTextsIsAdmittedInPiecesAndKeepsItsOrder() {
    FakeDevice fast = new FakeDevice("fast", 16, 2, false);
    try (EmbeddingPool pool = EmbeddingPool.builder("paced").backend(fast).maxBatchSize(16)
        .maxQueueDelay(Duration.ZERO).queueThresholds(20, 50).build()) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        texts.add("text " + i);
      }
      List<Embedding> out = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> pool.embedAll(texts));

      assertThat(out).hasSize(10_000);
      for (int i = 0; i < out.size(); i++) {
        assertThat(out.get(i).vector()).as("result %d", i).containsExactly(TestVectors.forText("text " + i, 384));
      }
      assertThat(fast.textsEmbedded()).isEqualTo(10_000);
    }
  }

  @Test
  void embedAllWithATimeoutWithdrawsWhatIsNotDoneAndSaysHowFarItGot() {
    FakeDevice held = new FakeDevice("held", 4, 1, false).hold();
    try (EmbeddingPool pool = EmbeddingPool.builder("bounded-all").backend(held).maxBatchSize(4)
        .maxQueueDelay(Duration.ZERO).build()) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        texts.add("text " + i);
      }
      long start = System.nanoTime();
      assertThatThrownBy(() -> pool.embedAll(texts, Duration.ofMillis(300)))
          .isInstanceOfSatisfying(RequestTimeoutException.class, e -> {
            assertThat(e.lastReason()).isEqualTo(SpillReason.DEADLINE);
            assertThat(e.getMessage()).contains("0 of 100 texts embedded");
          });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      held.release();
      await().atMost(AWAIT).until(() -> pool.queueDepth() == 0);
      assertThat(held.textsEmbedded()).as("withdrawn texts were not embedded").isLessThanOrEqualTo(4);
    }
  }

  @Test
  void withoutACloudTheQueueFillsToTheCriticalDepthThenRefuses() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FakeDevice device = new FakeDevice("npu", 4, 1, true).hold();
    try (EmbeddingPool pool = EmbeddingPool.builder("bounded").tokenizer(TOKENIZER).backend(device)
        .maxQueueDelay(Duration.ZERO).queueThresholds(5, 8).meterRegistry(registry).build()) {
      List<CompletableFuture<Embedding>> futures = new ArrayList<>();
      futures.add(pool.embedAsync("text 0"));
      await().atMost(AWAIT).until(() -> device.running.get() == 1);
      for (int i = 1; i < 12; i++) {
        futures.add(pool.embedAsync("text " + i));
      }
      assertThat(pool.queueDepth()).isEqualTo(8);
      assertThat(pool.queueLevel()).isEqualTo(QueueLevel.CRITICAL);
      for (int i = 9; i < 12; i++) {
        assertThat(futures.get(i)).isCompletedExceptionally();
        assertThatThrownBy(futures.get(i)::join).hasCauseInstanceOf(NoCapacityException.class)
            .hasMessageContaining("SATURATED").hasMessageContaining(">= critical 8");
      }
      assertThat(registry.get(NpuMetricNames.SPILLOVER).tags("to", "none", "reason", "SATURATED").counter().count())
          .isEqualTo(3.0);
      device.release();
      await().atMost(AWAIT).until(() -> futures.subList(0, 9).stream().allMatch(f -> f.isDone()
          && !f.isCompletedExceptionally()));
    }
  }

  @Test
  void textsThatKeepFailingLocallyMoveToTheCloud() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FakeDevice broken = new FakeDevice("broken", 4, 1, true).failCalls(call -> true);
    try (CloudStub cloud = new CloudStub();
        EmbeddingPool pool = EmbeddingPool.builder("broken").tokenizer(TOKENIZER).backend(broken)
            .cloud(cloud.backend()).maxAttempts(2).meterRegistry(registry).build()) {
      List<Embedding> out = pool.embedAll(List.of("alpha", "beta", "gamma"));
      assertThat(out).extracting(Embedding::backend).containsOnly("cloud");
      assertThat(out.get(2).vector()).isEqualTo(TestVectors.forText("gamma", 384));
      double spilled = registry.find(NpuMetricNames.SPILLOVER).tags("to", "cloud").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      assertThat(spilled).isEqualTo(3.0);
    }
  }

  @Test
  void withACloudLocalBackendsThatArePickableOnlyInPanicAreNotTried() {
    FakeDevice broken = new FakeDevice("broken", 4, 1, true).failCalls(call -> true);
    // a breaker that opens after 4 calls half failed and stays open: the one local backend is then out, and its
    // pool (panic threshold 0.5) would pick it anyway
    CircuitBreakerConfig breaker = CircuitBreakerConfig.custom().failureRateThreshold(50)
        .slidingWindow(4, 4, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .waitDurationInOpenState(Duration.ofMinutes(10)).build();
    try (CloudStub cloud = new CloudStub();
        EmbeddingPool pool = EmbeddingPool.builder("panic").tokenizer(TOKENIZER).backend(broken)
            .cloud(cloud.backend()).maxAttempts(1).maxBatchSize(1).maxQueueDelay(Duration.ZERO)
            .corePools(config -> config.circuitBreaker(breaker)).build()) {
      for (int i = 0; i < 4; i++) {
        assertThat(pool.embed("opening the breaker " + i).backend()).isEqualTo("cloud"); // failed locally first
      }
      assertThat(broken.calls.get()).isEqualTo(4);

      List<Embedding> out = pool.embedAll(List.of("alpha", "beta", "gamma"));
      assertThat(out).extracting(Embedding::backend).containsOnly("cloud");
      assertThat(broken.calls.get()).as("the broken backend is not tried while a cloud can serve").isEqualTo(4);
    }
  }

  @Test
  void closingFailsQueuedTextsAndLetsRunningBatchesFinish() {
    FakeDevice device = new FakeDevice("d", 1, 1, true).hold();
    EmbeddingPool pool = EmbeddingPool.builder("closing").tokenizer(TOKENIZER).backend(device)
        .maxBatchSize(1).maxQueueDelay(Duration.ZERO).closeTimeout(Duration.ofSeconds(20)).build();
    CompletableFuture<Embedding> running = pool.embedAsync("running");
    await().atMost(AWAIT).until(() -> device.running.get() == 1);
    CompletableFuture<Embedding> queued = pool.embedAsync("queued");
    CompletableFuture<Void> closing = CompletableFuture.runAsync(pool::close);
    await().atMost(AWAIT).until(queued::isDone);
    assertThatThrownBy(queued::join).hasCauseInstanceOf(HeadroomException.class).hasMessageContaining("closed");
    assertThat(closing).isNotDone();
    device.release();
    closing.join();
    assertThat(running.join().backend()).isEqualTo("d");
    assertThat(device.closed).isTrue();
    assertThatThrownBy(() -> pool.embed("late")).hasMessageContaining("closed");
  }

  @Test
  void settingsAreValidatedByName() {
    FakeDevice small = new FakeDevice("small", 4, 1, false).dimensions(128);
    assertThatThrownBy(() -> EmbeddingPool.builder("x").backend(new FakeDevice("a", 4, 1, false)).backend(small)
        .build()).isInstanceOf(ConfigException.class).hasMessageContaining("backend 'small': dimensions");
    assertThatThrownBy(() -> EmbeddingPool.builder("x").backend(new FakeDevice("a", 4, 1, true)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("tokenizer");
    assertThatThrownBy(() -> EmbeddingPool.builder("x").backend(new FakeDevice("a", 4, 1, false))
        .queueThresholds(500, 100).build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("queueThresholds").hasMessageContaining("500/100");
    assertThatThrownBy(() -> EmbeddingPool.builder("x").build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("at least one backend");
  }

  private static void assertFailure(CompletableFuture<Embedding> future, int index, String message) {
    assertThat(future).isCompletedExceptionally();
    try {
      future.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOfSatisfying(EmbeddingInputException.class, input -> {
        assertThat(input.index()).isEqualTo(index);
        assertThat(input.getMessage()).startsWith(message);
      });
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
