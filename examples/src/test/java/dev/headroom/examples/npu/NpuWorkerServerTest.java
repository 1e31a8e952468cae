package dev.headroom.examples.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.npu.Embedding;
import dev.headroom.npu.EmbeddingInputException;
import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.OnnxRuntimeBackend;
import dev.headroom.npu.RemoteWorkerBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real worker on loopback (ONNX Runtime behind HTTP) and a pool that reaches it through RemoteWorkerBackend. */
class NpuWorkerServerTest {
  private static EmbeddingModel model;
  private static NpuWorkerServer worker;

  @BeforeAll
  static void start() throws Exception {
    model = EmbeddingModel.allMiniLmL6V2();
    EmbeddingPool pool = EmbeddingPool.builder("worker").tokenizer(model.tokenizer())
        .backend(OnnxRuntimeBackend.builder(model).threads(2).build()).build();
    worker = NpuWorkerServer.start(pool, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterAll
  static void stop() {
    worker.close();
  }

  @Test
  void aRemotePoolGetsTheSameVectorsAsTheWorkersOwnPool() {
    try (EmbeddingPool client = EmbeddingPool.builder("client")
        .backend(RemoteWorkerBackend.builder("npu-1", worker.uri()).maxBatchSize(8).build())
        .build()) {
      List<String> texts = List.of("a cat sits on the mat", "a cat is sitting on a mat",
          "the stock market fell sharply");
      List<Embedding> remote = client.embedAll(texts);
      List<Embedding> local = worker.pool().embedAll(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(remote.get(i).vector()).containsExactly(local.get(i).vector(), within(1e-5f));
        assertThat(remote.get(i).backend()).isEqualTo("npu-1");
      }
      assertThat(remote.get(0).cosine(remote.get(1))).isGreaterThan(remote.get(0).cosine(remote.get(2)));
    }
  }

  @Test
  void aBadInputIsRefusedWithItsIndexAndFailsAloneThroughTheClient() throws Exception {
    HttpResponse<String> response = post("{\"inputs\":[\"fine\",\"\",\"also fine\"]}");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = new ObjectMapper().readTree(response.body());
    assertThat(error.path("index").asInt()).isEqualTo(1);
    assertThat(error.path("error").asText()).contains("is empty");

    try (EmbeddingPool client = EmbeddingPool.builder("client-bad")
        .backend(RemoteWorkerBackend.builder("npu-1", worker.uri()).build()).build()) {
      var futures = client.submitAll(List.of("fine", "\u0000\u0007", "also fine"));
      assertThat(futures.get(0).join().dimensions()).isEqualTo(384);
      assertThat(futures.get(2).join().dimensions()).isEqualTo(384);
      assertThatThrownBy(futures.get(1)::join).hasCauseInstanceOf(EmbeddingInputException.class)
          .hasMessageContaining("refused by npu-1");
    }
  }

  @Test
  void reportsItsLoad() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> load = http.send(HttpRequest.newBuilder(worker.uri().resolve("/load")).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode report = new ObjectMapper().readTree(load.body());
    assertThat(report.path("capacity").asInt()).isEqualTo(32);
    assertThat(report.path("level").asText()).isEqualTo("OK");
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(worker.uri().resolve("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("headroom_worker_pending 0").contains("headroom_worker_capacity 32");
  }

  @Test
  void theDemoSectionRuns() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    NpuDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("== NPU / embeddings ==")
        .contains("OpenVINO: not available here")
        .contains("local backend: onnxruntime:CPU")
        .contains("similarity: cat/cat")
        .contains("batched")
        .contains("same vector as local: true");
  }

  private static HttpResponse<String> post(String json) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(worker.uri().resolve("/embed"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
