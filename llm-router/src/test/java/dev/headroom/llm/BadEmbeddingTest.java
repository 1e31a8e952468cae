package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.headroom.core.BackendException;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.Outcome;
import dev.headroom.core.SpillReason;
import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An embedding reply of the right shape and useless content - a {@code NaN} or {@code Infinity}, a vector of
 * zeros, the wrong number of vectors, vectors of different dimensions - is a bad reply from that node (a typed
 * {@link BackendException} naming it and the problem, and a failure of its lease that the router retries on another
 * node; with no other node, the caller's {@link NoCapacityException} carries it), never an answer; from an Ollama
 * node and from the cloud alike.
 */
class BadEmbeddingTest {
  private static HostileServer bad;
  private static HostileServer good;
  private static HostileServer cloud;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private LlmRouter router;

  @BeforeAll
  static void startServers() {
    // the bad node has the model in memory, so it is the one tried first
    bad = HostileOllama.node(Misbehaviour.neverAnswer(), true);
    good = HostileOllama.node(Misbehaviour.neverAnswer(), false);
    good.on("/api/embed", json("{\"model\":\"llama3.2:latest\",\"embeddings\":[[0.5,0.25],[-0.125,1.0]]}"));
    cloud = HostileServer.start(Misbehaviour.neverAnswer());
  }

  @AfterAll
  static void stopServers() {
    bad.close();
    good.close();
    cloud.close();
  }

  @AfterEach
  void closeRouter() {
    if (router != null) {
      router.close();
    }
  }

  private static Misbehaviour json(String body) {
    return HostileOllama.json(body);
  }

  private LlmRouter.Builder builder() {
    return LlmRouter.builder()
        .node(OllamaNode.of("b", bad.uri(), 2))
        .noHealthCheck()
        .meterRegistry(registry)
        .requestTimeout(Duration.ofSeconds(10));
  }

  private double count(String endpoint, Outcome outcome) {
    return Fleet.outcomes(registry, endpoint, outcome);
  }

  /** The error of embedding two texts on the bad node alone, which answers {@code /api/embed} with {@code reply}. */
  private BackendException badEmbedding(String reply) {
    bad.on("/api/embed", json(reply));
    router = builder().build();
    NoCapacityException error = catchThrowableOfType(NoCapacityException.class,
        () -> router.embed(EmbedRequest.of(MODEL, "sky", "grass")));
    assertThat(error.lastReason()).isEqualTo(SpillReason.RETRYABLE_FAILURE);
    assertThat(error.getCause()).isInstanceOf(BackendException.class);
    BackendException e = (BackendException) error.getCause();
    assertThat(e.endpoint()).isEqualTo("b");
    assertThat(count("b", Outcome.FAILURE)).as("a bad embedding is a failure of the node").isEqualTo(1);
    assertThat(count("b", Outcome.SUCCESS)).as("never a success").isZero();
    return e;
  }

  @Test
  void aNaNInAVectorIsABadReplyNamingTheNodeAndWhere() {
    BackendException e = badEmbedding("{\"model\":\"llama3.2\",\"embeddings\":[[0.5,0.25],[0.5,NaN]]}");

    assertThat(e.getMessage()).contains("endpoint 'b'").contains("embedding 1 of 2 has NaN at dimension 1");
  }

  @Test
  void aVectorOfZerosIsABadReply() {
    BackendException e = badEmbedding("{\"model\":\"llama3.2\",\"embeddings\":[[0.5,0.25],[0.0,0]]}");

    assertThat(e.getMessage()).contains("embedding 1 of 2 is all zeros");
  }

  @Test
  void theWrongNumberOfVectorsIsABadReply() {
    BackendException e = badEmbedding("{\"model\":\"llama3.2\",\"embeddings\":[[0.5,0.25]]}");

    assertThat(e.getMessage()).contains("1 embeddings for 2 inputs");
  }

  @Test
  void vectorsOfDifferentDimensionsAreABadReply() {
    BackendException e = badEmbedding("{\"model\":\"llama3.2\",\"embeddings\":[[0.5,0.25],[0.5,0.25,0.125]]}");

    assertThat(e.getMessage()).contains("embedding 1 of 2 has 3 dimensions, embedding 0 has 2");
  }

  @Test
  void aBadEmbeddingIsRetriedOnAnotherNodeAndTheCallerGetsItsAnswer() {
    bad.on("/api/embed", json("{\"model\":\"llama3.2\",\"embeddings\":[[NaN,0.25],[0.5,0.25]]}"));
    int badBefore = embedRequests(bad);
    router = builder().node(OllamaNode.of("g", good.uri(), 2)).build();

    EmbedResponse response = router.embed(EmbedRequest.of(MODEL, "sky", "grass"));

    assertThat(embedRequests(bad)).as("the bad node was asked first").isEqualTo(badBefore + 1);
    assertThat(response.endpoint()).isEqualTo("g");
    assertThat(response.vectors()).hasSize(2);
    assertThat(response.vectors().get(1)).containsExactly(-0.125f, 1.0f);
    assertThat(count("b", Outcome.FAILURE)).isEqualTo(1);
    assertThat(count("b", Outcome.SUCCESS)).isZero();
  }

  @Test
  void anInfinityFromTheCloudIsABadReplyToo() {
    cloud.on("/v1/embeddings", json("{\"object\":\"list\",\"model\":\"text-embedding-3-small\",\"data\":["
        + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.5,-Infinity]}]}"));
    router = builder().cloud(CloudConfig.builder(cloud.uri()).model("all-minilm", "text-embedding-3-small").build())
        .build();

    NoCapacityException error = catchThrowableOfType(NoCapacityException.class,
        () -> router.embed(EmbedRequest.of("all-minilm", "sky")));

    assertThat(error.getCause()).isInstanceOf(BackendException.class);
    assertThat(error.getCause().getMessage()).contains("embedding 0 of 1 has -Infinity at dimension 1");
    assertThat(embedRequests(cloud)).isEqualTo(1);
  }

  private static int embedRequests(HostileServer server) {
    return (int) server.requestLines().stream().filter(l -> l.contains("/embed")).count();
  }
}
