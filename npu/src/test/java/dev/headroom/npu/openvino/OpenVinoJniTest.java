package dev.headroom.npu.openvino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.npu.EmbeddingBatch;
import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The JNI path for real, through the stub libopenvino_c named by HEADROOM_OPENVINO_LIB: loading, device
 * enumeration, status codes and error texts, tensors in and out, and every object freed.
 */
@Tag("openvino-stub")
class OpenVinoJniTest {
  private static final Tokenizer TOKENIZER = EmbeddingModel.allMiniLmL6V2().tokenizer();

  @BeforeEach
  void devices() {
    StubLibrary.configure("OVSTUB_DEVICES=NPU,GPU.0,CPU");
  }

  @Test
  void loadsTheLibraryNamedByTheOverride() {
    Availability availability = OpenVino.availability();
    assertThat(availability.available()).as(availability.toString()).isTrue();
    assertThat(availability.library()).endsWith("test-native/libopenvino_c.so");
    assertThat(availability.version()).isEqualTo("2025.3.0-headroom-stub");
    assertThat(availability.unavailableReason()).isEmpty();
  }

  @Test
  void enumeratesDevicesAndTheirNames() {
    try (OpenVinoCore runtime = OpenVino.runtime()) {
      assertThat(runtime.availableDevices()).containsExactly("NPU", "GPU.0", "CPU");
      assertThat(runtime.fullDeviceName("GPU")).contains("Headroom stub GPU.0");
      assertThat(runtime.fullDeviceName("VPU")).isEmpty();
    }
    StubLibrary.configure("OVSTUB_DEVICES=CPU");
    try (OpenVinoCore runtime = OpenVino.runtime()) {
      assertThat(runtime.availableDevices()).containsExactly("CPU");
    }
  }

  @Test
  void failedCallsCarryTheStatusAndTheLibrarysMessage() {
    try (OpenVinoCore runtime = OpenVino.runtime()) {
      assertThatThrownBy(() -> runtime.deviceProperty("VPU", "FULL_DEVICE_NAME"))
          .isInstanceOfSatisfying(OpenVinoException.class, e -> {
            assertThat(e.function()).isEqualTo("ov_core_get_property");
            assertThat(e.status()).isEqualTo(-5);
            assertThat(e.getMessage()).contains("NOT_FOUND").contains("stub: device VPU is not available");
          });
      try (OvModel model = runtime.readModel(StubLibrary.modelFile())) {
        assertThatThrownBy(() -> model.reshape(List.of("pixels"), 1, 8))
            .isInstanceOf(OpenVinoException.class)
            .hasMessageContaining("ov_model_reshape")
            .hasMessageContaining("no input named pixels");
        assertThatThrownBy(() -> runtime.compile(model, "VPU", Map.of()))
            .isInstanceOf(OpenVinoException.class)
            .hasMessageContaining("ov_core_compile_model");
      }
      StubLibrary.configure("OVSTUB_DEVICES=CPU", "OVSTUB_FAIL_READ=1");
      assertThatThrownBy(() -> runtime.readModel(StubLibrary.modelFile()))
          .isInstanceOf(OpenVinoException.class)
          .hasMessageContaining("GENERAL_ERROR")
          .hasMessageContaining("stub: cannot read");
      assertThatThrownBy(() -> runtime.readModel(Path.of("/nonexistent/model.onnx")))
          .isInstanceOf(OpenVinoException.class)
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void embedsThroughStaticShapesWithPaddingAndPoolsCorrectly() throws Exception {
    try (OpenVinoCore runtime = OpenVino.runtime();
        OpenVinoBackend backend = OpenVinoBackend.builder(runtime, StubLibrary.modelFile())
            .deviceSelector(DeviceSelector.builder().priority("CPU").build())
            .maxBatchSize(8)
            .lengthBuckets(16, 64)
            .build()) {
      assertThat(backend.device()).isEqualTo("CPU");
      List<String> texts = List.of("a cat sits on the mat", "the stock market fell sharply",
          "a much longer sentence that needs the second length bucket because it goes on and on and on");
      EmbeddingBatch batch = EmbeddingBatch.tokenized(TOKENIZER, texts);
      List<float[]> vectors = backend.embed(batch);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(vectors.get(i)).as(texts.get(i))
            .containsExactly(StubLibrary.expectedVector(TOKENIZER.encode(texts.get(i)).ids(), 384), within(1e-5f));
      }
      float[] alone = backend.embed(EmbeddingBatch.tokenized(TOKENIZER, List.of(texts.get(0)))).get(0);
      assertThat(alone).containsExactly(vectors.get(0), within(1e-6f));
      assertThatThrownBy(() -> backend.embed(EmbeddingBatch.tokenized(TOKENIZER, List.of("x ".repeat(100)))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no compiled length fits");
    }
  }

  @Test
  void compileTimePropertiesReachTheLibraryAndRequestsFollowTheOptimalNumber() {
    StubLibrary.configure("OVSTUB_DEVICES=NPU,CPU", "OVSTUB_OPTIMAL=3");
    try (OpenVinoCore runtime = OpenVino.runtime();
        OvModel model = runtime.readModel(StubLibrary.modelFile())) {
      model.reshape(List.of("input_ids", "attention_mask"), 4, 16);
      try (OvCompiledModel compiled = runtime.compile(model, "NPU",
          Map.of(OpenVinoCore.PERFORMANCE_HINT, "LATENCY"))) {
        assertThat(compiled.property("OVSTUB_PROPERTIES")).isEqualTo("PERFORMANCE_HINT=LATENCY");
        assertThat(compiled.property(OpenVinoCore.OPTIMAL_NUMBER_OF_INFER_REQUESTS)).isEqualTo("3");
        assertThat(compiled.property("EXECUTION_DEVICES")).isEqualTo("NPU");
      }
    }
    try (OpenVinoCore runtime = OpenVino.runtime();
        OpenVinoBackend backend = OpenVinoBackend.builder(runtime, StubLibrary.modelFile())
            .cacheDir(Path.of("/tmp/headroom-ov-cache")).lengthBuckets(16).build()) {
      assertThat(backend.maxConcurrency()).isEqualTo(3);
      assertThat(backend.device()).isEqualTo("NPU");
      assertThat(backend.labels()).containsEntry("device", "NPU");
    }
  }

  @Test
  void everyCreatedObjectIsFreed() throws Exception {
    Map<String, Long> before = StubLibrary.created();
    StubLibrary.configure("OVSTUB_DEVICES=NPU,GPU.0,CPU", "OVSTUB_FAIL_COMPILE=NPU", "OVSTUB_OPTIMAL=2");
    try (OpenVinoCore runtime = OpenVino.runtime()) {
      runtime.availableDevices();
      runtime.fullDeviceName("NPU");
      try (OpenVinoBackend backend = OpenVinoBackend.builder(runtime, StubLibrary.modelFile())
          .lengthBuckets(16, 32).maxBatchSize(4).build()) {
        for (int i = 0; i < 5; i++) {
          backend.embed(EmbeddingBatch.tokenized(TOKENIZER, List.of("text " + i, "another text " + i)));
        }
        assertThatThrownBy(() -> runtime.deviceProperty("NPU", "NO_SUCH_KEY")).isInstanceOf(OpenVinoException.class);
      }
    }
    Map<String, Long> created = StubLibrary.created();
    assertThat(created.get("request") - before.get("request")).as("infer requests created").isEqualTo(4);
    assertThat(created.get("tensor") - before.get("tensor")).as("tensors created").isGreaterThanOrEqualTo(10);
    assertThat(created.get("string") - before.get("string")).as("strings created").isGreaterThan(0);
    assertThat(StubLibrary.live()).as("objects still alive in the library")
        .allSatisfy((kind, count) -> assertThat(count).as(kind).isZero());
  }
}
