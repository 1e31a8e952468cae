package dev.headroom.npu.openvino;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drives the test-only libopenvino_c stub: writes its settings to the file named by OVSTUB_CONFIG (the stub
 * re-reads it on every call) and reads its object counters through the ordinary property call.
 */
final class StubLibrary {
  private StubLibrary() {}

  /** Replaces the stub's settings, e.g. {@code "OVSTUB_DEVICES=NPU,GPU.0,CPU", "OVSTUB_FAIL_COMPILE=NPU"}. */
  static void configure(String... lines) {
    String path = System.getenv("OVSTUB_CONFIG");
    if (path == null) {
      throw new IllegalStateException("OVSTUB_CONFIG is not set: run this test in the openvino-stub execution");
    }
    try {
      Files.writeString(Path.of(path), String.join("\n", Arrays.asList(lines)) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Objects alive in the stub per kind (core, model, compiled, request, tensor, string, devices, shape). */
  static Map<String, Long> live() {
    return counters("OVSTUB_LIVE");
  }

  /** Objects ever created in the stub per kind. */
  static Map<String, Long> created() {
    return counters("OVSTUB_CREATED");
  }

  /** Compile attempts per device string, e.g. {NPU=2, GPU.0=1}. */
  static Map<String, Long> compiles() {
    return counters("OVSTUB_COMPILES");
  }

  private static Map<String, Long> counters(String key) {
    try (OpenVinoCore runtime = OpenVino.runtime()) {
      Map<String, Long> out = new LinkedHashMap<>();
      String text = runtime.deviceProperty("CPU", key);
      if (!text.isEmpty()) {
        for (String pair : text.split(",")) {
          String[] kv = pair.split("=");
          out.put(kv[0], Long.parseLong(kv[1]));
        }
      }
      if (key.equals("OVSTUB_LIVE")) {
        out.merge("core", -1L, Long::sum); // the core asking
      }
      return out;
    }
  }

  /** A file for read_model (the stub only checks that it exists). */
  static Path modelFile() {
    try {
      Path file = Files.createTempFile("stub-model-", ".onnx");
      Files.writeString(file, "not a real model: the stub only opens it");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stub's "inference" for one text, pooled and normalised as a backend should: the expected vector. */
  static float[] expectedVector(int[] ids, int dims) {
    double[] sum = new double[dims];
    for (int id : ids) {
      for (int h = 0; h < dims; h++) {
        sum[h] += (float) (Math.sin(id * 0.37 + h * 0.11) + 0.5 * Math.cos(id * 0.013 * (h + 1)));
      }
    }
    double norm = 0;
    for (int h = 0; h < dims; h++) {
      sum[h] /= ids.length;
      norm += sum[h] * sum[h];
    }
    float[] out = new float[dims];
    for (int h = 0; h < dims; h++) {
      out[h] = (float) (sum[h] / Math.sqrt(norm));
    }
    return out;
  }
}
