package dev.headroom.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.BackendException;
import dev.headroom.core.ConfigException;
import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible embeddings client against testkit's fake cloud API (and its hostile server for errors). */
class CloudEmbeddingBackendTest {
  private CloudStub cloud;

  @BeforeEach
  void start() {
    cloud = new CloudStub();
  }

  @AfterEach
  void stop() {
    cloud.close();
  }

  @Test
  void sendsTheModelAndInputsWithTheKeyAndReadsVectorsByIndex() throws Exception {
    CloudEmbeddingBackend backend = cloud.backend();
    List<float[]> out = backend.embed(EmbeddingBatch.ofTexts(List.of("first", "second", "third")));
    assertThat(out).hasSize(3);
    assertThat(out.get(0)).isEqualTo(TestVectors.forText("first", 384));
    assertThat(out.get(2)).isEqualTo(TestVectors.forText("third", 384));
    assertThat(cloud.api.authorizations()).containsExactly("Bearer " + CloudStub.KEY);
    assertThat(cloud.api.bodies()).containsExactly(new ObjectMapper().readTree(
        "{\"model\":\"all-MiniLM-L6-v2\",\"input\":[\"first\",\"second\",\"third\"],"
            + "\"encoding_format\":\"float\"}"));
  }

  @Test
  void aBaseEndingInV1IsNotDoubled() throws Exception {
    CloudEmbeddingBackend backend = CloudEmbeddingBackend.builder(URI.create(cloud.base() + "/v1/"),
        CloudStub.KEY).model("m").build();
    assertThat(backend.embed(EmbeddingBatch.ofTexts(List.of("x")))).hasSize(1);
  }

  @Test
  void errorsCarryTheStatusAndABoundedBodyButNeverTheKey() {
    try (HostileServer server = HostileServer.start(Misbehaviour.answer(429, "application/json",
        "{\"error\":\"rate limited\"}"))) {
      CloudEmbeddingBackend backend = CloudEmbeddingBackend.builder(server.uri(), CloudStub.KEY)
          .model("all-MiniLM-L6-v2").dimensions(384).build();
      assertThatThrownBy(() -> backend.embed(EmbeddingBatch.ofTexts(List.of("busy"))))
          .isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.status()).hasValue(429);
            assertThat(e.bodyExcerpt()).contains("rate limited");
            assertThat(e.getMessage()).doesNotContain(CloudStub.KEY);
          });
      server.otherwise(Misbehaviour.answer(400, "text/plain", "x".repeat(5000)));
      assertThatThrownBy(() -> backend.embed(EmbeddingBatch.ofTexts(List.of("huge"))))
          .isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.status()).hasValue(400);
            assertThat(e.bodyExcerpt().length()).isLessThanOrEqualTo(BackendException.MAX_EXCERPT_BYTES + 1);
          });
      assertThat(backend.toString()).doesNotContain(CloudStub.KEY).contains("****");
    }
  }

  @Test
  void aReplyOfTheWrongSizeIsRefused() {
    CloudEmbeddingBackend wrongDims = CloudEmbeddingBackend.builder(cloud.base(), CloudStub.KEY).dimensions(768)
        .build();
    assertThatThrownBy(() -> wrongDims.embed(EmbeddingBatch.ofTexts(List.of("a"))))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("returned 384 dimensions, expected 768");
  }

  @Test
  void theKeyIsRequiredAndNeverEchoed() {
    assertThatThrownBy(() -> CloudEmbeddingBackend.builder(cloud.base(), " ").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("apiKey");
    assertThatThrownBy(() -> CloudEmbeddingBackend.builder(URI.create("ftp://x"), CloudStub.KEY).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining(CloudStub.KEY);
  }
}
