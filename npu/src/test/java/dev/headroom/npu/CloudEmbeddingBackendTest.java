package dev.headroom.npu;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.BackendException;
import dev.headroom.core.ConfigException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible embeddings client against WireMock. */
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
    cloud.server.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
        .withHeader("Authorization", equalTo("Bearer " + CloudStub.KEY))
        .withRequestBody(equalToJson("{\"model\":\"all-MiniLM-L6-v2\",\"input\":[\"first\",\"second\",\"third\"],"
            + "\"encoding_format\":\"float\"}")));
  }

  @Test
  void aBaseEndingInV1IsNotDoubled() throws Exception {
    CloudEmbeddingBackend backend = CloudEmbeddingBackend.builder(URI.create(cloud.server.baseUrl() + "/v1/"),
        CloudStub.KEY).model("m").build();
    assertThat(backend.embed(EmbeddingBatch.ofTexts(List.of("x")))).hasSize(1);
  }

  @Test
  void errorsCarryTheStatusAndABoundedBodyButNeverTheKey() {
    cloud.server.stubFor(post(urlEqualTo("/v1/embeddings")).atPriority(1)
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("busy"))
        .willReturn(aResponse().withStatus(429).withBody("{\"error\":\"rate limited\"}")));
    cloud.server.stubFor(post(urlEqualTo("/v1/embeddings")).atPriority(1)
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("huge"))
        .willReturn(aResponse().withStatus(400).withBody("x".repeat(5000))));
    CloudEmbeddingBackend backend = cloud.backend();
    assertThatThrownBy(() -> backend.embed(EmbeddingBatch.ofTexts(List.of("busy"))))
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.status()).hasValue(429);
          assertThat(e.bodyExcerpt()).contains("rate limited");
          assertThat(e.getMessage()).doesNotContain(CloudStub.KEY);
        });
    assertThatThrownBy(() -> backend.embed(EmbeddingBatch.ofTexts(List.of("huge"))))
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.status()).hasValue(400);
          assertThat(e.bodyExcerpt().length()).isLessThanOrEqualTo(BackendException.MAX_EXCERPT_BYTES + 1);
        });
    assertThat(backend.toString()).doesNotContain(CloudStub.KEY).contains("****");
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
