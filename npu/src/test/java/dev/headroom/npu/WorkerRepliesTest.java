package dev.headroom.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An embedding pool against a remote worker that answers badly: vectors of the right shape but useless content are typed errors, never answers, and a
 * malformed reply surfaces with its real cause, not as "no eligible local backend" alone.
 */
class WorkerRepliesTest {
  private static final String WORKER = "npu-bad";
  private static HostileServer server;

  @BeforeAll
  static void start() {
    server = HostileServer.start(Misbehaviour.neverAnswer());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A pool on the one worker; with {@code panicOff} its failures take it out, so texts end "no eligible". */
  private static EmbeddingPool pool(String name, boolean panicOff) {
    RemoteWorkerBackend worker = RemoteWorkerBackend.builder(WORKER, server.uri()).dimensions(4)
        .maxBatchSize(8).maxConcurrency(1).timeout(Duration.ofSeconds(5)).build();
    return EmbeddingPool.builder(name).backend(worker).maxQueueDelay(Duration.ZERO)
        .corePools(config -> config.panicThreshold(panicOff ? 0 : 0.5)).build();
  }

  private static String reply(String vector) {
    return "{\"embeddings\":[" + vector + "],\"truncated\":[false],\"backend\":\"cpu\"}";
  }

  @Test
  void nanInfiniteAndAllZeroVectorsAreTypedErrorsNeverAnswers() {
    String[][] cases = {
        {"[NaN,0.5,0.5,0.5]", "NaN at dimension 0"},
        {"[0.5,1e39,0.5,0.5]", "Infinity at dimension 1"},
        {"[0,0,0,0]", "all zeros"},
        {"[0.5,0.5,0.5]", "3 dimensions, expected 4"},
    };
    for (String[] c : cases) {
      server.otherwise(Misbehaviour.answer(200, "application/json", reply(c[0])));
      int before = server.requests();
      try (EmbeddingPool pool = pool("bad-vectors", false)) {
        Throwable thrown = catchThrowable(() -> pool.embed("a cat sits on the mat"));

        assertThat(thrown).as(c[0]).isNotNull();
        BadEmbeddingException bad = find(thrown, BadEmbeddingException.class);
        assertThat(bad).as("a typed error for " + c[0] + " in " + thrown).isNotNull();
        assertThat(bad.backend()).isEqualTo(WORKER);
        assertThat(bad.problem()).contains(c[1]);
        assertThat(thrown.getMessage()).contains(WORKER, c[1]);
        assertThat(server.requests() - before).as("failed, so tried again").isGreaterThan(1);
      }
    }
  }

  @Test
  void aMalformedReplySurfacesWithItsRealCause() {
    String valid = reply("[0.5,0.5,0.5,0.5]");
    Object[][] cases = {
        {Misbehaviour.html200(), "text/html"},
        {Misbehaviour.ndjson(valid, valid), "Trailing token"},
        {Misbehaviour.cutAfter(valid, 20, "application/json"), "IOException"},
    };
    for (Object[] c : cases) {
      server.otherwise((Misbehaviour) c[0]);
      try (EmbeddingPool pool = pool("malformed", true)) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          texts.add("text number " + i);
        }
        List<CompletableFuture<Embedding>> futures = pool.submitAll(texts);
        for (CompletableFuture<Embedding> future : futures) {
          Throwable thrown = catchThrowable(future::join);
          assertThat(thrown).as(c[1].toString()).isNotNull();
          assertThat(thrown.getMessage()).as("every caller's error names the worker and the problem")
              .contains(WORKER, (String) c[1]);
        }
      }
    }
  }

  private static <T extends Throwable> T find(Throwable thrown, Class<T> type) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
