package dev.headroom.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipTarget;
import dev.headroom.npu.testing.EmbeddingWorker;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Workers added, drained and removed while texts flow (issue 14 item 1). */
class MembershipTest {
  private static final Duration BOUND = Duration.ofSeconds(15);

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final ExecutorService clients = Executors.newCachedThreadPool();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> answered = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> answeredAfterRemoval = new ConcurrentHashMap<>();
  private final Map<String, Boolean> removalStarted = new ConcurrentHashMap<>();

  @AfterEach
  void close() throws Exception {
    running.set(false);
    clients.shutdownNow();
    clients.awaitTermination(10, TimeUnit.SECONDS);
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  /** A remote worker in front of one fake device, which counts the calls that reach it. */
  private Worker worker(String name) {
    FakeDevice device = new FakeDevice("dev-" + name, 8, 2, false);
    EmbeddingWorker server = EmbeddingWorker.start(EmbeddingPool.builder("worker-" + name).backend(device)
        .maxQueueDelay(Duration.ZERO).build());
    closing.add(server);
    return new Worker(name, device, server);
  }

  private record Worker(String name, FakeDevice device, EmbeddingWorker server) {
    Tracked backend() {
      // batches of 2: a batch held on a worker keeps at most 2 of the 8 client threads waiting, not all of them
      return new Tracked(RemoteWorkerBackend.builder(name, server.uri()).maxConcurrency(2).maxBatchSize(2)
          .timeout(Duration.ofSeconds(60)).build());
    }
  }

  /** A backend that remembers being closed. */
  private static final class Tracked implements EmbeddingBackend {
    final EmbeddingBackend delegate;
    volatile boolean closed;

    Tracked(EmbeddingBackend delegate) {
      this.delegate = delegate;
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public int dimensions() {
      return delegate.dimensions();
    }

    @Override
    public int maxBatchSize() {
      return delegate.maxBatchSize();
    }

    @Override
    public int maxConcurrency() {
      return delegate.maxConcurrency();
    }

    @Override
    public boolean needsTokens() {
      return false;
    }

    @Override
    public Map<String, String> labels() {
      return delegate.labels();
    }

    @Override
    public List<float[]> embed(EmbeddingBatch batch) throws Exception {
      return delegate.embed(batch);
    }

    @Override
    public void close() {
      closed = true;
      delegate.close();
    }
  }

  private void steadyLoad(EmbeddingPool pool, int threads) {
    for (int t = 0; t < threads; t++) {
      int thread = t;
      clients.execute(() -> {
        for (int i = 0; running.get(); i++) {
          String text = "thread " + thread + " text " + i;
          try {
            Embedding e = pool.embed(text);
            if (!java.util.Arrays.equals(e.vector(), TestVectors.forText(text, 384))) {
              throw new AssertionError("wrong vector for " + text);
            }
            answered.computeIfAbsent(e.backend(), k -> new AtomicLong()).incrementAndGet();
            if (removalStarted.containsKey(e.backend())) {
              answeredAfterRemoval.computeIfAbsent(e.backend(), k -> new AtomicLong()).incrementAndGet();
            }
          } catch (Throwable e) {
            if (running.get()) {
              errors.add(e);
            }
          }
        }
      });
    }
  }

  private long answers(String backend) {
    AtomicLong count = answered.get(backend);
    return count == null ? 0 : count.get();
  }

  @Test
  void scalingTwoToFourToOneWorkersUnderSteadyLoadLosesNoTextAndClosesRemovedWorkersAfterTheirBatches() {
    Worker a = worker("a");
    Worker b = worker("b");
    Worker c = worker("c");
    Worker d = worker("d");
    Tracked bBackend = b.backend();
    Tracked cBackend = c.backend();
    EmbeddingPool pool = EmbeddingPool.builder("front").backend(a.backend()).backend(bBackend)
        .maxQueueDelay(Duration.ofMillis(1)).build();
    closing.add(pool);
    steadyLoad(pool, 8);
    await().atMost(BOUND).until(() -> answers("a") > 0 && answers("b") > 0);

    // 2 -> 4
    pool.addBackend(cBackend);
    pool.addBackend(d.backend());
    assertThat(pool.backends()).extracting(EmbeddingBackend::id).containsExactly("a", "b", "c", "d");
    await().atMost(BOUND).until(() -> c.device().calls.get() > 5 && d.device().calls.get() > 5
        && answers("c") > 0 && answers("d") > 0);

    // 4 -> 1, with a batch held on b's device while b is removed
    b.device().hold();
    long callsAtHold = b.device().calls.get();
    await().atMost(BOUND).until(() -> b.device().calls.get() > callsAtHold); // a call that started since: held
    removalStarted.put("b", true);
    removalStarted.put("c", true);
    removalStarted.put("d", true);
    CompletableFuture<Void> bGone = pool.removeBackend("b");
    CompletableFuture<Void> cGone = pool.removeBackend("c");
    CompletableFuture<Void> dGone = pool.removeBackend("d");
    long bAtRemoval = b.device().calls.get();
    CompletableFuture.allOf(cGone, dGone).orTimeout(BOUND.toSeconds(), TimeUnit.SECONDS).join();
    long cAfter = c.device().calls.get();
    long dAfter = d.device().calls.get();
    assertThat(cBackend.closed).isTrue();
    long aBefore = a.device().calls.get();
    await().atMost(BOUND).until(() -> a.device().calls.get() > aBefore + 10);
    assertThat(bGone).as("b still runs its held batch").isNotDone();
    assertThat(bBackend.closed).as("not closed in the middle of a batch").isFalse();

    b.device().release();
    bGone.orTimeout(BOUND.toSeconds(), TimeUnit.SECONDS).join();
    assertThat(bBackend.closed).isTrue();
    await("the batch in flight on b during its removal was answered").atMost(BOUND)
        .until(() -> answeredAfterRemoval.containsKey("b"));
    long bAfter = b.device().calls.get();
    assertThat(bAfter).as("calls that reached b after its removal began (its 2 slots' batches at most)")
        .isLessThanOrEqualTo(bAtRemoval + 2);
    assertThat(pool.backends()).extracting(EmbeddingBackend::id).containsExactly("a");
    assertThat(pool.localPool().orElseThrow().endpoints()).extracting(s -> s.id()).containsExactly("a");

    long aLater = a.device().calls.get();
    await().atMost(BOUND).until(() -> a.device().calls.get() > aLater + 10);
    running.set(false);
    assertThat(b.device().calls.get()).as("calls to b after its removal").isEqualTo(bAfter);
    assertThat(c.device().calls.get()).as("calls to c after its removal").isEqualTo(cAfter);
    assertThat(d.device().calls.get()).as("calls to d after its removal").isEqualTo(dAfter);
    assertThat(errors).as("client-visible errors").isEmpty();
  }

  @Test
  void aDrainedBackendGetsNoBatchesUntilItIsResumed() {
    FakeDevice a = new FakeDevice("a", 4, 1, false);
    FakeDevice b = new FakeDevice("b", 4, 1, false);
    try (EmbeddingPool pool = EmbeddingPool.builder("drain").backend(a).backend(b).build()) {
      pool.drainBackend("b").join();
      for (int i = 0; i < 10; i++) {
        assertThat(pool.embed("text " + i).backend()).isEqualTo("a");
      }
      assertThat(b.calls.get()).isZero();
      pool.resumeBackend("b");
      pool.drainBackend("a").join();
      assertThat(pool.embed("to b").backend()).isEqualTo("b");
      assertThat(b.calls.get()).isOne();
      assertThat(pool.drainBackend("nobody")).isDone();
      assertThatThrownBy(() -> pool.resumeBackend("nobody")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void addedBackendsAreValidatedLikeTheBuildersAndTheirIdNamed() {
    try (EmbeddingPool pool = EmbeddingPool.builder("checks").backend(new FakeDevice("a", 4, 1, false))
        .build()) {
      assertThatThrownBy(() -> pool.addBackend(new FakeDevice("a", 4, 1, false)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("'a'").hasMessageContaining("unique");
      assertThatThrownBy(() -> pool.addBackend(new FakeDevice("b", 4, 1, false).dimensions(128)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("'b'").hasMessageContaining("dimensions");
      assertThatThrownBy(() -> pool.addBackend(new FakeDevice("c", 4, 1, true)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("tokenizer").hasMessageContaining("'c'");
      assertThat(pool.backends()).extracting(EmbeddingBackend::id).containsExactly("a");
    }
  }

  @Test
  void theMembershipViewAddsAndRemovesWorkersMadeFromDiscoveredMembers() {
    Worker w = worker("w");
    FakeDevice local = new FakeDevice("local", 4, 1, false);
    EmbeddingPool pool = EmbeddingPool.builder("view").backend(local).build();
    closing.add(pool);
    MembershipTarget target = pool.membership(m -> RemoteWorkerBackend.builder(m.id(), m.uri()).build());
    assertThat(target.memberIds()).containsExactly("local");

    target.add(DiscoveredMember.of("10.0.0.7:8080", w.server().uri()));
    target.add(DiscoveredMember.of("10.0.0.7:8080", w.server().uri())); // an existing id: nothing
    assertThat(target.memberIds()).containsExactly("local", "10.0.0.7:8080");
    target.drain("local").join();
    assertThat(pool.embed("to the worker").backend()).isEqualTo("10.0.0.7:8080");
    assertThat(w.device().calls.get()).isPositive();
    target.resume("local");
    target.remove("10.0.0.7:8080");
    await().atMost(BOUND).until(() -> target.memberIds().equals(java.util.Set.of("local")));
    await().atMost(BOUND).until(() -> pool.backends().size() == 1);
    assertThat(pool.embed("local again").backend()).isEqualTo("local");

    MembershipTarget renaming = pool.membership(m -> RemoteWorkerBackend.builder("other", m.uri()).build());
    assertThatThrownBy(() -> renaming.add(DiscoveredMember.of("x", URI.create("http://127.0.0.1:9"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'x'");
  }
}
