package dev.headroom.npu.openvino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.time.VirtualTime;
import dev.headroom.npu.CloudStubAccess;
import dev.headroom.npu.Embedding;
import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.LocalBackends;
import dev.headroom.npu.NpuMetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Device choice through the real JNI path and the stub library's devices and failures. */
@Tag("openvino-stub")
class DeviceSelectionTest {

  @Test
  void anNpuThatFailsToCompileFallsBackToTheGpuAndSaysWhy() {
    StubLibrary.configure("OVSTUB_DEVICES=NPU,GPU.0,CPU", "OVSTUB_FAIL_COMPILE=NPU");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DeviceSelector selector = DeviceSelector.builder().name("npu-test").meterRegistry(registry).build();
    try (OpenVinoCore runtime = OpenVino.runtime();
        OpenVinoBackend backend = OpenVinoBackend.builder(runtime, StubLibrary.modelFile())
            .deviceSelector(selector).lengthBuckets(16).build()) {
      assertThat(backend.device()).isEqualTo("GPU.0");
      assertThat(backend.selectionReasons()).hasSize(2);
      assertThat(backend.selectionReasons().get(0))
          .startsWith("NPU: compile failed")
          .contains("compiling for NPU failed");
      assertThat(backend.selectionReasons().get(1)).isEqualTo("GPU.0: chosen");
      assertThat(selector.isExcluded("NPU")).isTrue();
      assertThat(registry.get(NpuMetricNames.DEVICE).tags("selector", "npu-test", "device", "GPU.0", "reason", "FALLBACK")
          .gauge().value()).isEqualTo(1.0);
    }
  }

  @Test
  void theFirstAvailableDeviceIsPreferredAndMissingOnesAreSkipped() {
    StubLibrary.configure("OVSTUB_DEVICES=GPU.0,GPU.1,CPU");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DeviceSelector selector = DeviceSelector.builder().meterRegistry(registry).build();
    try (OpenVinoCore runtime = OpenVino.runtime();
        OpenVinoBackend backend = OpenVinoBackend.builder(runtime, StubLibrary.modelFile())
            .deviceSelector(selector).lengthBuckets(16).build()) {
      assertThat(backend.device()).isEqualTo("GPU.0");
      assertThat(backend.selectionReasons()).containsExactly(
          "NPU: not available (devices: [GPU.0, GPU.1, CPU])", "GPU.0: chosen");
      assertThat(registry.get(NpuMetricNames.DEVICE).tags("device", "GPU.0", "reason", "FALLBACK").gauge().value())
          .isEqualTo(1.0);
    }
  }

  @Test
  void aFailedDeviceIsExcludedForTheCooldownThenTriedAgain() {
    StubLibrary.configure("OVSTUB_DEVICES=NPU,CPU", "OVSTUB_FAIL_COMPILE=NPU");
    VirtualTime time = new VirtualTime();
    DeviceSelector selector = DeviceSelector.builder().cooldown(Duration.ofMinutes(5)).ticker(time).build();
    try (OpenVinoCore runtime = OpenVino.runtime()) {
      long npuCompiles = StubLibrary.compiles().getOrDefault("NPU", 0L);
      try (OpenVinoBackend first = build(runtime, selector)) {
        assertThat(first.device()).isEqualTo("CPU");
      }
      assertThat(StubLibrary.compiles().get("NPU")).isEqualTo(npuCompiles + 1);

      StubLibrary.configure("OVSTUB_DEVICES=NPU,CPU"); // the NPU driver is fixed, but we do not know yet
      time.advance(Duration.ofMinutes(4));
      try (OpenVinoBackend second = build(runtime, selector)) {
        assertThat(second.device()).isEqualTo("CPU");
        assertThat(second.selectionReasons()).containsExactly(
            "NPU: excluded for another 60 s after a failed compile",
            "GPU: not available (devices: [NPU, CPU])",
            "CPU: chosen");
      }
      assertThat(StubLibrary.compiles().get("NPU")).as("no compile during the cooldown").isEqualTo(npuCompiles + 1);

      time.advance(Duration.ofMinutes(2));
      try (OpenVinoBackend third = build(runtime, selector)) {
        assertThat(third.device()).isEqualTo("NPU");
      }
      assertThat(selector.isExcluded("NPU")).isFalse();
    }
  }

  @Test
  void autoHandsThePriorityListToOpenVino() {
    StubLibrary.configure("OVSTUB_DEVICES=GPU.0,CPU", "OVSTUB_FAIL_COMPILE=GPU");
    DeviceSelector selector = DeviceSelector.builder().auto(true).build();
    try (OpenVinoCore runtime = OpenVino.runtime();
        OpenVinoBackend backend = build(runtime, selector)) {
      assertThat(backend.device()).isEqualTo("AUTO:NPU,GPU,CPU");
      assertThat(StubLibrary.compiles()).containsKeys("GPU", "CPU");
    }
  }

  @Test
  void whenEveryDeviceFailsTheLocalChoiceIsOnnxRuntimeOnTheCpu() {
    StubLibrary.configure("OVSTUB_DEVICES=NPU,GPU.0,CPU", "OVSTUB_FAIL_COMPILE=*");
    LocalBackends.Choice choice = LocalBackends.builder(EmbeddingModel.allMiniLmL6V2()).onnxThreads(2).build()
        .choose();
    try {
      assertThat(choice.summary()).isEqualTo("onnxruntime:CPU");
      assertThat(choice.reasons()).anySatisfy(r -> assertThat(r).startsWith("openvino:")
          .contains("NPU: compile failed").contains("GPU.0: compile failed").contains("CPU: compile failed"));
      assertThat(choice.backends()).singleElement()
          .satisfies(b -> assertThat(b.labels()).containsEntry("runtime", "onnxruntime"));
    } finally {
      choice.backends().forEach(b -> b.close());
    }
    assertThat(StubLibrary.live()).allSatisfy((kind, count) -> assertThat(count).as(kind).isZero());
  }

  @Test
  void withOnnxRuntimeDisabledEverythingGoesToTheCloud() throws Exception {
    StubLibrary.configure("OVSTUB_DEVICES=NPU,CPU", "OVSTUB_FAIL_COMPILE=*");
    EmbeddingModel model = EmbeddingModel.allMiniLmL6V2();
    LocalBackends.Choice choice = LocalBackends.builder(model).onnxRuntimeFallback(false).build().choose();
    assertThat(choice.backends()).isEmpty();
    assertThat(choice.summary()).isEqualTo("none");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (var cloud = CloudStubAccess.start();
        EmbeddingPool pool = EmbeddingPool.builder("no-local")
            .tokenizer(model.tokenizer())
            .cloud(cloud.backend())
            .meterRegistry(registry)
            .build()) {
      List<Embedding> out = pool.embedAll(List.of("first text", "second text"));
      assertThat(out).extracting(Embedding::backend).containsOnly("cloud");
      assertThat(out.get(1).vector()).isEqualTo(CloudStubAccess.vector("second text"));
      assertThat(registry.get(NpuMetricNames.SPILLOVER).tags("reason", "NO_HEALTHY_ENDPOINT", "to", "cloud")
          .counter().count()).isEqualTo(2.0);
    }
  }

  @Test
  void aSelectorWithoutDevicesIsRefused() {
    assertThatThrownBy(() -> DeviceSelector.builder().priority().build())
        .hasMessageContaining("device selector 'openvino': priority");
    assertThatThrownBy(() -> DeviceSelector.builder().priority("AUTO:NPU").build())
        .hasMessageContaining("use auto(true)");
  }

  private static OpenVinoBackend build(OpenVinoCore runtime, DeviceSelector selector) {
    return OpenVinoBackend.builder(runtime, StubLibrary.modelFile()).deviceSelector(selector).lengthBuckets(16)
        .build();
  }
}
