package dev.headroom.npu;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * An OpenAI-compatible embeddings API on loopback (WireMock): {@code POST /v1/embeddings} with the bearer key
 * {@value #KEY} answers every input with {@link TestVectors#forText}, in reverse index order to check that the
 * client sorts by index.
 */
final class CloudStub implements AutoCloseable {
  static final String KEY = "sk-test-0123456789-secret";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  final WireMockServer server;

  CloudStub() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(new Embeddings()));
    server.start();
    server.stubFor(post(urlEqualTo("/v1/embeddings"))
        .withHeader("Authorization", equalTo("Bearer " + KEY))
        .willReturn(aResponse().withTransformers(Embeddings.NAME)));
  }

  URI base() {
    return URI.create(server.baseUrl());
  }

  CloudEmbeddingBackend backend() {
    return CloudEmbeddingBackend.builder(base(), KEY).model("all-MiniLM-L6-v2").dimensions(384).build();
  }

  int requests() {
    return server.getAllServeEvents().size();
  }

  @Override
  public void close() {
    server.stop();
  }

  /** Builds the reply from the request body. */
  static final class Embeddings implements ResponseDefinitionTransformerV2 {
    static final String NAME = "embeddings";

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      try {
        JsonNode request = MAPPER.readTree(event.getRequest().getBodyAsString());
        ObjectNode reply = MAPPER.createObjectNode();
        ArrayNode data = reply.putArray("data");
        JsonNode inputs = request.path("input");
        for (int i = inputs.size() - 1; i >= 0; i--) {
          ObjectNode datum = data.addObject();
          datum.put("object", "embedding");
          datum.put("index", i);
          ArrayNode vector = datum.putArray("embedding");
          for (float x : TestVectors.forText(inputs.get(i).asText(), 384)) {
            vector.add(x);
          }
        }
        reply.put("model", request.path("model").asText());
        reply.putObject("usage").put("prompt_tokens", 1).put("total_tokens", 1);
        return ResponseDefinition.okForJson(reply);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return NAME;
    }
  }
}
