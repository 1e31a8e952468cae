package dev.headroom.npu;

import dev.headroom.testkit.llm.FakeOpenAi;
import java.net.URI;
import java.time.Duration;

/**
 * An OpenAI-compatible embeddings API on loopback (testkit's {@link FakeOpenAi}): {@code POST /v1/embeddings} with
 * the bearer key {@value #KEY} answers every input with {@link TestVectors#forText}, in reverse index order to check
 * that the client sorts by index.
 */
final class CloudStub implements AutoCloseable {
  static final String KEY = "sk-test-0123456789-secret";

  final FakeOpenAi api;

  CloudStub() {
    api = FakeOpenAi.builder("cloud").apiKey(KEY).firstToken(Duration.ZERO)
        .embeddings(text -> TestVectors.forText(text, 384)).embeddingsInReverseOrder().start();
  }

  URI base() {
    return api.uri();
  }

  CloudEmbeddingBackend backend() {
    return CloudEmbeddingBackend.builder(base(), KEY).model("all-MiniLM-L6-v2").dimensions(384).build();
  }

  int requests() {
    return (int) api.requests();
  }

  @Override
  public void close() {
    api.close();
  }
}
